package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.keel.ingest.DatasetVersion;

/**
 * One version of a dataset's clean table: Delta's commit, and keel's record of it when keel made it.
 *
 * @param version the Delta version
 * @param timestamp when it was committed
 * @param operation Delta's operation (WRITE, MERGE, RESTORE, SET TBLPROPERTIES, ...)
 * @param runId the keel run that made it, when one did
 * @param metrics Delta's operation metrics
 * @param ingest keel's dataset_versions row for it (counts, metrics, sources)
 */
public record HistoryEntry(long version, Instant timestamp, String operation, Optional<String> runId,
        Map<String, String> metrics, Optional<DatasetVersion> ingest) {
    public HistoryEntry {
        requireNonNull(timestamp, "timestamp");
        requireNonNull(operation, "operation");
        requireNonNull(runId, "runId");
        metrics = Map.copyOf(metrics);
        requireNonNull(ingest, "ingest");
    }
}
