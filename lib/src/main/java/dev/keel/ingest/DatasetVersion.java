package dev.keel.ingest;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.keel.quality.CheckResult;
import dev.keel.quality.ColumnMetrics;
import dev.keel.quality.ColumnState;

/**
 * One row of {@code _keel/dataset_versions}: an ingest attempt, its counts and quality metrics,
 * the contract it was checked against and the exact source files it read. COMMITTED rows name the
 * clean table version they produced; REJECTED rows record why nothing was committed.
 *
 * @param dataset the dataset
 * @param version the clean table's Delta version, for COMMITTED
 * @param status COMMITTED or REJECTED
 * @param runId the ingest run
 * @param mode append, overwrite or merge
 * @param recordedAt when the attempt ended
 * @param table the clean table's location
 * @param quarantineVersion the quarantine table's version holding this attempt's rejected rows
 * @param rowsRead rows read from the sources
 * @param rowsClean clean rows written
 * @param rowsQuarantined rows quarantined
 * @param rowsDuplicate valid rows dropped as duplicates of a surviving row
 * @param quarantinedByRule how many quarantined rows broke each rule
 * @param columns per-column metrics of the clean rows
 * @param checks dataset rules and their outcomes
 * @param contractFile the contract's path
 * @param contractSha256 the contract's hash
 * @param sourceFiles the files read, with size and modification time
 * @param error why the attempt was rejected
 * @param tableColumns the mergeable state of each column over the whole table version (COMMITTED),
 *     derived from the previous version's and the new rows'; empty when not known (versions keel
 *     recorded before it kept them)
 */
public record DatasetVersion(
        String dataset,
        Optional<Long> version,
        Status status,
        String runId,
        IngestMode mode,
        Instant recordedAt,
        String table,
        Optional<Long> quarantineVersion,
        long rowsRead,
        long rowsClean,
        long rowsQuarantined,
        long rowsDuplicate,
        Map<String, Long> quarantinedByRule,
        List<ColumnMetrics> columns,
        List<CheckResult> checks,
        String contractFile,
        String contractSha256,
        List<SourceFile> sourceFiles,
        Optional<String> error,
        @JsonIgnore List<ColumnState> tableColumns) {

    /** Whether an attempt produced a version. */
    public enum Status { COMMITTED, REJECTED }

    public DatasetVersion {
        requireNonNull(dataset, "dataset");
        requireNonNull(version, "version");
        requireNonNull(status, "status");
        requireNonNull(runId, "runId");
        requireNonNull(mode, "mode");
        requireNonNull(recordedAt, "recordedAt");
        requireNonNull(table, "table");
        requireNonNull(quarantineVersion, "quarantineVersion");
        quarantinedByRule = Map.copyOf(quarantinedByRule);
        columns = List.copyOf(columns);
        checks = List.copyOf(checks);
        requireNonNull(contractFile, "contractFile");
        requireNonNull(contractSha256, "contractSha256");
        sourceFiles = List.copyOf(sourceFiles);
        requireNonNull(error, "error");
        tableColumns = List.copyOf(tableColumns);
    }

    /** The metrics of the whole table version, as {@link #columns()} are those of the ingested rows; empty when not known. */
    @JsonProperty("table_metrics")
    public List<ColumnMetrics> tableMetrics() {
        return tableColumns.stream().map(ColumnState::metrics).toList();
    }
}
