package dev.keel.error;

/** An external system (object store, Slurm, a remote file system) did not answer. Exit 5. */
public class ExternalSystemException extends KeelException {
    private static final long serialVersionUID = 1L;

    public ExternalSystemException(String message) {
        super(ExitCode.EXTERNAL_UNAVAILABLE, message);
    }

    public ExternalSystemException(String message, Throwable cause) {
        super(ExitCode.EXTERNAL_UNAVAILABLE, message, cause);
    }
}
