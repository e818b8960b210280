package dev.keel.error;

/** Bad usage or configuration: an unknown option, a bad value, a missing file or table. Exit 2. */
public class UsageException extends KeelException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(ExitCode.USAGE, message);
    }

    public UsageException(String message, Throwable cause) {
        super(ExitCode.USAGE, message, cause);
    }
}
