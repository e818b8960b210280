package dev.keel.train;

import dev.keel.error.UsageException;

/** A model spec that cannot be used: raised before Spark starts, naming the file, line and field, and what is allowed. */
public final class ModelSpecException extends UsageException {
    private static final long serialVersionUID = 1L;

    public ModelSpecException(String file, int line, String field, String problem) {
        super("Model spec " + file + (line > 0 ? ":" + line : "") + ": " + field + ": " + problem);
    }
}
