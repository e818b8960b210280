package dev.keel.release;

import dev.keel.error.UsageException;

/** A problem in a release policy file, reported with its file, line and field. Exit 2. */
public final class ReleasePolicyException extends UsageException {
    private static final long serialVersionUID = 1L;

    public ReleasePolicyException(String file, int line, String field, String problem) {
        super("Release policy " + file + (line > 0 ? ":" + line : "") + ": " + field + ": " + problem);
    }
}
