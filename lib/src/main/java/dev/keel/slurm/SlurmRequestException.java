package dev.keel.slurm;

import dev.keel.error.UsageException;

/** Slurm refused a request it understood (an unknown job, a job it can never run). Exit 2. */
public final class SlurmRequestException extends UsageException {
    private static final long serialVersionUID = 1L;

    public SlurmRequestException(String message) {
        super(message);
    }
}
