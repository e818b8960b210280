package dev.keel.slurm;

import dev.keel.error.ExternalSystemException;

/** slurmrestd answered with JSON this client cannot read; the message names the field. Exit 5. */
public final class MalformedResponseException extends ExternalSystemException {
    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message) {
        super("Malformed answer from slurmrestd: " + message);
    }
}
