package dev.keel.ingest;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.keel.lake.TableVersion;
import dev.keel.quality.CheckResult;

/**
 * The summary of an ingest run.
 *
 * @param dataset the dataset
 * @param mode append, overwrite or merge
 * @param filesRead files read in this run
 * @param filesSkipped files found but ingested before
 * @param rowsRead rows read
 * @param rowsClean clean rows written
 * @param rowsQuarantined rows quarantined
 * @param rowsDuplicate rows dropped as duplicates
 * @param quarantinedByRule quarantined rows per broken rule, most frequent first
 * @param rulesChecked how many row rules (per column) were checked
 * @param checks dataset rules and their outcomes
 * @param version the clean table version written; empty when nothing new was found
 * @param quarantine the quarantine table version holding this run's rejected rows
 */
public record IngestResult(
        String dataset,
        IngestMode mode,
        int filesRead,
        int filesSkipped,
        long rowsRead,
        long rowsClean,
        long rowsQuarantined,
        long rowsDuplicate,
        Map<String, Long> quarantinedByRule,
        int rulesChecked,
        List<CheckResult> checks,
        Optional<TableVersion> version,
        Optional<TableVersion> quarantine) {

    public IngestResult {
        requireNonNull(dataset, "dataset");
        requireNonNull(mode, "mode");
        quarantinedByRule = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(quarantinedByRule));
        checks = List.copyOf(checks);
        requireNonNull(version, "version");
        requireNonNull(quarantine, "quarantine");
    }

    /** Whether the run found nothing new to ingest (and wrote no version). */
    @JsonProperty
    public boolean unchanged() {
        return filesRead == 0;
    }

    /** rows read = clean + quarantined + duplicates. */
    @JsonProperty
    public boolean conserved() {
        return rowsRead == rowsClean + rowsQuarantined + rowsDuplicate;
    }
}
