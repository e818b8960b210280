package dev.keel.lineage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.keel.registry.ModelEntry;
import dev.keel.split.SplitRef;

/**
 * Where a model version came from, as far back as keel recorded it: its features and label with
 * their types, the three splits it saw, the split manifest that cut them, every dataset version
 * (with quality metrics and source files) the split's source version is built from, and the run
 * that trained it with its code and configuration identity.
 *
 * @param model the version with its aliases, tags and owner
 * @param features feature column to type, in the spec's order
 * @param label the label column and its type
 * @param splits train, validation and test
 * @param split the manifest of the split table version, when recorded
 * @param datasets the committed dataset versions up to the split's source version, oldest first
 * @param run the training run, when recorded
 * @param specText the spec the version was trained from
 */
public record Lineage(ModelEntry model, Map<String, String> features, Map<String, String> label, Map<String, SplitRef> splits,
        Optional<SplitManifestSummary> split, List<DatasetVersionSummary> datasets, Optional<RunSummary> run, String specText) {
    public Lineage {
        requireNonNull(model, "model");
        features = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(features));
        label = Map.copyOf(label);
        splits = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(splits));
        requireNonNull(split, "split");
        datasets = List.copyOf(datasets);
        requireNonNull(run, "run");
        requireNonNull(specText, "specText");
    }

    /**
     * @param sourceTable the dataset table the split was cut from
     * @param sourceVersion its version
     * @param seed the split's seed
     * @param keyColumns the columns that decide a row's split
     * @param stratifyColumn the column the split is stratified by, if any
     * @param groupColumn the column whose groups stay in one split, if any
     * @param runId the run that materialised the split
     * @param recordedAt when
     */
    public record SplitManifestSummary(String sourceTable, long sourceVersion, long seed, List<String> keyColumns,
            Optional<String> stratifyColumn, Optional<String> groupColumn, String runId, Instant recordedAt) {
    }

    /**
     * @param version the dataset's Delta version
     * @param mode how it was written (append, merge, overwrite, restore)
     * @param rowsRead rows read from the source files
     * @param rowsClean rows written
     * @param rowsQuarantined rows quarantined
     * @param rowsDuplicate duplicates dropped
     * @param contractFile the contract validated against
     * @param contractSha256 its SHA-256
     * @param columnMetrics per-column quality metrics
     * @param checks dataset-rule outcomes
     * @param sourceFiles the files read, with size and modification time
     * @param runId the ingest run
     * @param recordedAt when
     */
    public record DatasetVersionSummary(long version, String mode, long rowsRead, long rowsClean, long rowsQuarantined,
            long rowsDuplicate, String contractFile, String contractSha256, List<Map<String, Object>> columnMetrics,
            List<Map<String, Object>> checks, List<Map<String, Object>> sourceFiles, String runId, Instant recordedAt) {
    }

    /**
     * @param runId the run
     * @param actor who ran it
     * @param host where
     * @param keelVersion keel's version
     * @param gitCommit the code's commit
     * @param codeSha256 SHA-256 of the code that ran
     * @param configHash hash of the effective configuration
     * @param command the command line
     * @param startedAt when it started
     * @param endedAt when it ended
     * @param slurmJobId the Slurm job it ran in, if any
     */
    public record RunSummary(String runId, String actor, String host, String keelVersion, String gitCommit, String codeSha256,
            String configHash, List<String> command, Instant startedAt, Optional<Instant> endedAt, Optional<String> slurmJobId) {
    }
}
