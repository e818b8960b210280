package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;

import scala.Option;

import dev.keel.config.ConfigKeys;
import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.ingest.DatasetVersion;
import dev.keel.ingest.DatasetVersions;
import dev.keel.ingest.IngestMode;
import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaRetention;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.TableVersion;
import dev.keel.run.RunContext;
import io.delta.tables.DeltaTable;

/**
 * The two history operations that change a dataset's table, both audited: rewinding it to an
 * earlier version, and vacuuming files that no version within retention, and no pinned version,
 * still needs.
 */
public final class DataMaintenance {
    private final RunContext run;
    private final DeltaStore store;
    private final DataHistory history;

    public DataMaintenance(RunContext run) {
        this.run = requireNonNull(run, "run");
        this.store = run.env().store();
        this.history = new DataHistory(store, run.env().layout());
    }

    /**
     * Makes {@code version}'s rows the latest version again (Delta RESTORE: a new version, history
     * kept) and records it in dataset_versions, so that ingest knows which source files the table
     * now holds.
     *
     * @return the new version
     */
    public TableVersion restore(String dataset, long version) {
        String table = history.table(dataset);
        long latest = store.latest(table).orElseThrow().version();
        TableVersion target = history.resolve(dataset, Optional.of(version), Optional.empty());
        if (version == latest) {
            throw new UsageException("Version " + version + " is already the latest version of " + dataset + ": nothing to restore");
        }
        TableVersion restored;
        try (RunContext.Step step = run.step("restoring " + dataset + " to version " + version)) {
            restored = ConflictRetry.standard().run("restore " + table + " while other writers commit to it",
                    () -> store.restore(table, version, run.id().value()).version());
        }
        long rows = store.read(restored).count();
        DatasetVersions versions = history.versions();
        Optional<DatasetVersion> source = versions.committed(dataset, version);
        versions.record(new DatasetVersion(dataset, Optional.of(restored.version()), DatasetVersion.Status.COMMITTED,
                run.id().value(), IngestMode.RESTORE, Instant.now(), table, Optional.empty(), 0, rows, 0, 0, Map.of(),
                source.map(DatasetVersion::columns).orElse(List.of()), List.of(),
                source.map(DatasetVersion::contractFile).orElse(""), source.map(DatasetVersion::contractSha256).orElse(""),
                versions.ingestedFiles(dataset, version), Optional.empty(),
                source.map(DatasetVersion::tableColumns).orElse(List.of())));
        run.addOutput(restored);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("restored_version", target.version());
        details.put("previous_latest", latest);
        details.put("new_version", restored.version());
        details.put("rows", rows);
        run.audit("dataset.restored", dataset, details);
        return restored;
    }

    /**
     * Deletes data files that left the table longer ago than the configured deleted-file
     * retention (first aligning the table's retention properties with the configuration). Refuses,
     * deleting nothing, when any of them belongs to a version pinned by a split manifest or a
     * model, unless {@code force}.
     *
     * @throws IntegrityException when pinned files would be deleted and {@code force} is false
     */
    public VacuumResult vacuum(String dataset, boolean force) {
        String table = history.table(dataset);
        String retention = DeltaRetention.interval(run.env().config().get(ConfigKeys.DELETED_FILE_RETENTION));
        String quoted = "delta.`" + table.replace("`", "``") + "`";

        Set<String> candidates = new HashSet<>();
        for (Row r : dryRun(quoted, DeltaRetention.hours(retention))) {
            candidates.add(normalise(r.getString(0)));
        }
        List<TableVersion> pins = new VersionPins(store, run.env().layout()).of(table);
        Set<String> pinned = new HashSet<>();
        for (TableVersion pin : pins) {
            for (String file : store.read(pin).inputFiles()) {
                pinned.add(normalise(file));
            }
        }
        pinned.retainAll(candidates);
        if (!pinned.isEmpty() && !force) {
            throw new IntegrityException("Refusing to vacuum " + dataset + ": " + pinned.size() + " of the " + candidates.size()
                    + " file(s) it would delete belong to version(s) " + pins.stream().map(p -> Long.toString(p.version())).toList()
                    + " pinned by split manifests or models; nothing was deleted. Pass --force to delete them anyway (audited)");
        }
        boolean aligned = alignRetention(table);
        if (!candidates.isEmpty()) {
            try (RunContext.Step step = run.step("vacuuming " + candidates.size() + " file(s) of " + dataset)) {
                withListingParallelism(() -> store.spark().sql("VACUUM " + quoted).collectAsList());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("files_deleted", candidates.size());
        details.put("pinned_files_deleted", pinned.size());
        details.put("forced", force);
        details.put("retention", retention);
        details.put("pinned_versions", pins.stream().map(TableVersion::version).toList());
        run.audit("dataset.vacuumed", dataset, details);
        return new VacuumResult(dataset, pins, candidates.size(), pinned.size(), force, retention, aligned);
    }

    /**
     * The files a vacuum with the configured retention would delete, found without changing the
     * table: its retention property is aligned only once the vacuum goes ahead. Delta's check
     * against retentions shorter than the table's property is lifted for the dry run alone, which
     * deletes nothing.
     */
    private List<Row> dryRun(String quoted, double hours) {
        RuntimeConfig conf = store.spark().conf();
        String check = "spark.databricks.delta.retentionDurationCheck.enabled";
        Option<String> before = conf.getOption(check);
        conf.set(check, "false");
        try {
            return withListingParallelism(() -> store.spark().sql("VACUUM " + quoted + " RETAIN " + hours + " HOURS DRY RUN")
                    .collectAsList());
        } finally {
            if (before.isDefined()) {
                conf.set(check, before.get());
            } else {
                conf.unset(check);
            }
        }
    }

    /**
     * Runs a VACUUM with its directory listing split into a few tasks per core: Spark's default
     * (10,000 tasks) makes a small table's vacuum take minutes on a small machine.
     */
    private <T> T withListingParallelism(Supplier<T> vacuum) {
        RuntimeConfig conf = store.spark().conf();
        String key = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
        Option<String> before = conf.getOption(key);
        conf.set(key, Integer.toString(Math.max(2, store.spark().sparkContext().defaultParallelism() * 4)));
        try {
            return vacuum.get();
        } finally {
            if (before.isDefined()) {
                conf.set(key, before.get());
            } else {
                conf.unset(key);
            }
        }
    }

    private boolean alignRetention(String table) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(DeltaRetention.LOG, DeltaRetention.interval(run.env().config().get(ConfigKeys.LOG_RETENTION)));
        wanted.put(DeltaRetention.DELETED_FILES, DeltaRetention.interval(run.env().config().get(ConfigKeys.DELETED_FILE_RETENTION)));
        Row detail = DeltaTable.forPath(store.spark(), table).detail().first();
        Map<String, String> current = detail.getJavaMap(detail.fieldIndex("properties"));
        Map<String, String> changes = new LinkedHashMap<>();
        wanted.forEach((k, v) -> {
            if (!v.equals(current.get(k))) {
                changes.put(k, v);
            }
        });
        if (changes.isEmpty()) {
            return false;
        }
        StringBuilder properties = new StringBuilder();
        changes.forEach((k, v) -> properties.append(properties.isEmpty() ? "" : ", ").append("'").append(k).append("' = '")
                .append(v).append("'"));
        try (RunContext.Step step = run.step("setting retention " + changes + " on " + table)) {
            store.spark().sql("ALTER TABLE delta.`" + table.replace("`", "``") + "` SET TBLPROPERTIES (" + properties + ")");
        }
        return true;
    }

    /** A file location in one spelling, whatever the API that produced it ({@code file:/x}, {@code file:///x}, {@code /x}). */
    private static String normalise(String location) {
        URI uri = new Path(location).toUri();
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
        return scheme + "://" + (uri.getAuthority() == null ? "" : uri.getAuthority()) + uri.getPath();
    }
}
