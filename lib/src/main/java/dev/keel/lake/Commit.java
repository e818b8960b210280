package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of a Delta table's history ({@code DESCRIBE HISTORY}).
 *
 * @param version the commit version
 * @param timestamp when it was committed
 * @param operation Delta's operation name: WRITE, MERGE, UPDATE, DELETE, RESTORE, ...
 * @param parameters the operation's parameters as Delta recorded them
 * @param metrics the operation's metrics (rows written, files added, ...)
 * @param userMetadata the run id keel stored with the commit, when keel made it
 * @param blindAppend whether the commit only added data without reading the table
 */
public record Commit(
        long version,
        Instant timestamp,
        String operation,
        Map<String, String> parameters,
        Map<String, String> metrics,
        Optional<String> userMetadata,
        boolean blindAppend) {

    public Commit {
        requireNonNull(timestamp, "timestamp");
        requireNonNull(operation, "operation");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters"));
        metrics = Map.copyOf(requireNonNull(metrics, "metrics"));
        requireNonNull(userMetadata, "userMetadata");
    }
}
