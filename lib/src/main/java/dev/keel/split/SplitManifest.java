package dev.keel.split;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

import dev.keel.lake.TableVersion;

/**
 * One materialised split: which dataset version it was made from, how, the split table version
 * that holds it, and what that version contains.
 *
 * @param dataset the dataset
 * @param source the dataset version split
 * @param table the split table version written
 * @param spec fractions, seed, keys, group and stratify column
 * @param statistics rows per split and label, content hashes, leaks
 * @param previous the split table version this one was compared with, if any
 * @param keysMoved keys of {@code previous} that now sit in another split (0 unless the spec changed)
 * @param runId the run that wrote it
 * @param recordedAt when
 */
public record SplitManifest(
        String dataset,
        TableVersion source,
        TableVersion table,
        SplitSpec spec,
        SplitStatistics statistics,
        Optional<Long> previous,
        Optional<Long> keysMoved,
        String runId,
        Instant recordedAt) {

    public SplitManifest {
        requireNonNull(dataset, "dataset");
        requireNonNull(source, "source");
        requireNonNull(table, "table");
        requireNonNull(spec, "spec");
        requireNonNull(statistics, "statistics");
        requireNonNull(previous, "previous");
        requireNonNull(keysMoved, "keysMoved");
        requireNonNull(runId, "runId");
        requireNonNull(recordedAt, "recordedAt");
    }

    /** A reference to one of this manifest's splits, checked to exist. */
    public SplitRef ref(String split) {
        if (!statistics.rows().containsKey(split)) {
            throw new dev.keel.error.UsageException("Split '" + split + "' is not in " + table + ": choose one of "
                    + String.join(", ", statistics.rows().keySet()));
        }
        return new SplitRef(table.table(), table.version(), split);
    }
}
