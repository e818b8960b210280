package dev.keel.lake;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.apache.spark.sql.delta.DeltaConcurrentModificationException;

import dev.keel.error.ExternalSystemException;

/**
 * Retries an operation that lost a Delta optimistic-concurrency race, with jittered exponential
 * backoff, for a bounded time. Anything other than a concurrent-modification conflict propagates.
 */
public final class ConflictRetry {
    private final Duration budget;

    public ConflictRetry(Duration budget) {
        this.budget = budget;
    }

    public static ConflictRetry standard() {
        return new ConflictRetry(Duration.ofMinutes(3));
    }

    /**
     * @param what a phrase for the error message, e.g. "append to the audit log at /lake/_keel/audit"
     */
    public <T> T run(String what, Supplier<T> operation) {
        long deadline = System.nanoTime() + budget.toNanos();
        int attempt = 0;
        while (true) {
            try {
                return operation.get();
            } catch (RuntimeException e) {
                if (!isConflict(e)) {
                    throw e;
                }
                attempt++;
                if (System.nanoTime() > deadline) {
                    throw new ExternalSystemException("Gave up to " + what + " after " + attempt
                            + " concurrent-write conflicts in " + budget.toSeconds() + " s: another writer keeps committing; retry later", e);
                }
                sleep(attempt);
            }
        }
    }

    /** Whether {@code e} (or a cause) is Delta telling a writer that it lost a race. */
    public static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeltaConcurrentModificationException || t instanceof LostRace
                    || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException
                    || t instanceof java.nio.file.FileAlreadyExistsException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Thrown by an operation that found, after the fact, that a concurrent writer got there first
     * (for example an idempotent write that Delta skipped); retried like a Delta conflict.
     */
    public static final class LostRace extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LostRace(String message) {
            super(message);
        }
    }

    private static void sleep(int attempt) {
        long capMs = Math.min(2_000, 20L << Math.min(attempt, 7));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(capMs / 4, capMs + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a Delta commit", e);
        }
    }
}
