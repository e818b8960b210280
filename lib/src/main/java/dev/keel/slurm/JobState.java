package dev.keel.slurm;

import java.util.Locale;

/** Slurm's base job states, and whether a job in one can still change. */
public enum JobState {
    PENDING(false), RUNNING(false), SUSPENDED(false), COMPLETING(false), CONFIGURING(false), REQUEUED(false), RESIZING(false),
    COMPLETED(true), CANCELLED(true), FAILED(true), TIMEOUT(true), NODE_FAIL(true), PREEMPTED(true), BOOT_FAIL(true),
    DEADLINE(true), OUT_OF_MEMORY(true), UNKNOWN(false);

    private final boolean terminal;

    JobState(boolean terminal) {
        this.terminal = terminal;
    }

    /** Whether the job has ended and will not change again (a requeue starts it as PENDING). */
    public boolean terminal() {
        return terminal;
    }

    /** The state Slurm names, UNKNOWN for one this client does not know. */
    public static JobState parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
