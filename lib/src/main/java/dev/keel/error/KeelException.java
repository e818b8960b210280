package dev.keel.error;

import static java.util.Objects.requireNonNull;

/**
 * A failure a user or operator can act on. Its message is one line that names the problem and
 * how to fix it; the CLI prints it without a stack trace and exits with {@link #exitCode()}.
 */
public class KeelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    public KeelException(ExitCode exitCode, String message) {
        super(requireNonNull(message, "message"));
        this.exitCode = requireNonNull(exitCode, "exitCode");
    }

    public KeelException(ExitCode exitCode, String message, Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.exitCode = requireNonNull(exitCode, "exitCode");
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
