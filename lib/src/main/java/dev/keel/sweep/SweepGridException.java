package dev.keel.sweep;

import dev.keel.error.UsageException;

/** A problem in a sweep grid file, named by file, line and field. */
public final class SweepGridException extends UsageException {
    private static final long serialVersionUID = 1L;

    public SweepGridException(String file, int line, String field, String problem) {
        super("Sweep grid " + file + (line > 0 ? ":" + line : "") + ": " + field + ": " + problem);
    }
}
