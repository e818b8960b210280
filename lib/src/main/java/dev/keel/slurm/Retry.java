package dev.keel.slurm;

import java.time.Duration;

/**
 * How long the client keeps trying a slurmrestd that does not answer (connection refused or
 * reset, timeout, 5xx): exponential backoff with full jitter, bounded in attempts and in time.
 *
 * @param attempts the most tries of one request
 * @param firstDelay the backoff before the second try
 * @param maxDelay the longest single backoff
 * @param deadline the most time spent on one request, tries and backoffs together
 */
public record Retry(int attempts, Duration firstDelay, Duration maxDelay, Duration deadline) {
    public static final Retry STANDARD = new Retry(6, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(60));

    public Retry {
        if (attempts < 1) {
            throw new IllegalArgumentException("Cannot retry: attempts must be at least 1, cannot be: " + attempts);
        }
    }

    /** The cap of the backoff after try {@code attempt} (1-based); the actual wait is uniform in [0, cap]. */
    Duration cap(int attempt) {
        long millis = firstDelay.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
