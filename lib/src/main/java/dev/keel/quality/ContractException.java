package dev.keel.quality;

import dev.keel.error.UsageException;

/**
 * A contract file that cannot be used: raised before any data is read, naming the file, the line
 * and the field, and what is allowed there.
 */
public final class ContractException extends UsageException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String field;

    public ContractException(String file, int line, String field, String problem) {
        super("Contract " + file + (line > 0 ? ":" + line : "") + ": " + field + ": " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() {
        return file;
    }

    /** 1-based line, 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
