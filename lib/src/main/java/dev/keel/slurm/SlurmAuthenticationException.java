package dev.keel.slurm;

import dev.keel.error.ExitCode;
import dev.keel.error.KeelException;

/** slurmrestd did not accept the user name and token keel sent. Exit 2: the configuration must change. */
public final class SlurmAuthenticationException extends KeelException {
    private static final long serialVersionUID = 1L;

    public SlurmAuthenticationException(String message) {
        super(ExitCode.USAGE, message);
    }
}
