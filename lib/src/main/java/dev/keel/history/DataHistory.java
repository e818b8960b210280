package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.keel.error.UsageException;
import dev.keel.ingest.DatasetVersion;
import dev.keel.ingest.DatasetVersions;
import dev.keel.lake.Commit;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.quality.ColumnMetrics;
import dev.keel.quality.ColumnProfiler;

/** Reading a dataset's past: its versions, any one version's rows, and what changed between two. */
public final class DataHistory {
    private final DeltaStore store;
    private final LakeLayout layout;

    public DataHistory(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
    }

    /** The clean table of {@code dataset}, which must exist. */
    public String table(String dataset) {
        String table = layout.dataset(dataset);
        if (!store.exists(table)) {
            throw new UsageException("Dataset '" + dataset + "' has no table at " + table + ": ingest it first with "
                    + "'keel ingest --dataset " + dataset + " --source ...'");
        }
        return table;
    }

    public DatasetVersions versions() {
        return new DatasetVersions(store, layout);
    }

    /** Every version, newest first, with keel's record of those keel committed. */
    public List<HistoryEntry> history(String dataset) {
        String table = table(dataset);
        Map<Long, DatasetVersion> recorded = versions().of(dataset).stream()
                .filter(v -> v.status() == DatasetVersion.Status.COMMITTED && v.version().isPresent())
                .collect(Collectors.toMap(v -> v.version().get(), Function.identity(), (a, b) -> b));
        List<HistoryEntry> entries = new ArrayList<>();
        for (Commit c : store.history(table, Integer.MAX_VALUE)) {
            entries.add(new HistoryEntry(c.version(), c.timestamp(), c.operation(), c.userMetadata(), c.metrics(),
                    Optional.ofNullable(recorded.get(c.version()))));
        }
        entries.sort(Comparator.comparingLong(HistoryEntry::version).reversed());
        return entries;
    }

    /**
     * The version to read: {@code version}, the one current at {@code asOf}, or the latest.
     *
     * @throws UsageException when both are given, the version does not exist, or the time is before the first commit
     */
    public TableVersion resolve(String dataset, Optional<Long> version, Optional<Instant> asOf) {
        String table = table(dataset);
        if (version.isPresent() && asOf.isPresent()) {
            throw new UsageException("Give --version or --as-of, not both");
        }
        long latest = store.latest(table).orElseThrow().version();
        if (version.isPresent()) {
            long v = version.get();
            if (v < 0 || v > latest) {
                throw new UsageException("Dataset '" + dataset + "' has no version " + v + ": versions are 0.." + latest
                        + "; 'keel data history " + dataset + "' lists them");
            }
            return new TableVersion(table, v);
        }
        if (asOf.isPresent()) {
            List<Commit> commits = store.history(table, Integer.MAX_VALUE);
            return commits.stream().filter(c -> !c.timestamp().isAfter(asOf.get())).max(Comparator.comparingLong(Commit::version))
                    .map(c -> new TableVersion(table, c.version()))
                    .orElseThrow(() -> new UsageException("Dataset '" + dataset + "' did not exist at " + asOf.get()
                            + ": its first version was committed at " + commits.get(commits.size() - 1).timestamp()));
        }
        return new TableVersion(table, latest);
    }

    public Dataset<Row> rows(TableVersion version) {
        return store.read(version);
    }

    /** Row counts, row-level differences, schema changes and per-column metrics of two versions. */
    public DatasetDiff diff(String dataset, long from, long to) {
        TableVersion a = resolve(dataset, Optional.of(from), Optional.empty());
        TableVersion b = resolve(dataset, Optional.of(to), Optional.empty());
        Dataset<Row> before = store.read(a);
        Dataset<Row> after = store.read(b);
        List<SchemaChange> schema = schemaChanges(before.schema(), after.schema());

        List<String> shared = new ArrayList<>();
        for (StructField f : before.schema().fields()) {
            if (List.of(after.schema().fieldNames()).contains(f.name())
                    && after.schema().apply(f.name()).dataType().equals(f.dataType())) {
                shared.add(f.name());
            }
        }
        List<ColumnMetrics> metricsBefore = ColumnProfiler.profile(before.select(shared.stream().map(before::col).toArray(
                org.apache.spark.sql.Column[]::new)));
        List<ColumnMetrics> metricsAfter = ColumnProfiler.profile(after.select(shared.stream().map(after::col).toArray(
                org.apache.spark.sql.Column[]::new)));
        List<DatasetDiff.MetricChange> changes = new ArrayList<>();
        for (int i = 0; i < shared.size(); i++) {
            changes.add(new DatasetDiff.MetricChange(shared.get(i), metricsBefore.get(i), metricsAfter.get(i)));
        }
        boolean sameSchema = schema.isEmpty();
        return new DatasetDiff(dataset, a, b, before.count(), after.count(),
                sameSchema ? Optional.of(before.exceptAll(after).count()) : Optional.empty(),
                sameSchema ? Optional.of(after.exceptAll(before).count()) : Optional.empty(),
                schema, changes);
    }

    private static List<SchemaChange> schemaChanges(StructType before, StructType after) {
        List<SchemaChange> changes = new ArrayList<>();
        List<String> afterNames = List.of(after.fieldNames());
        List<String> beforeNames = List.of(before.fieldNames());
        for (StructField f : before.fields()) {
            if (!afterNames.contains(f.name())) {
                changes.add(new SchemaChange(f.name(), Optional.of(f.dataType().simpleString()), Optional.empty()));
            } else if (!after.apply(f.name()).dataType().equals(f.dataType())) {
                changes.add(new SchemaChange(f.name(), Optional.of(f.dataType().simpleString()),
                        Optional.of(after.apply(f.name()).dataType().simpleString())));
            }
        }
        for (StructField f : after.fields()) {
            if (!beforeNames.contains(f.name())) {
                changes.add(new SchemaChange(f.name(), Optional.empty(), Optional.of(f.dataType().simpleString())));
            }
        }
        return changes;
    }
}
