package dev.keel.ingest;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.WriteOptions;
import dev.keel.quality.CheckResult;
import dev.keel.quality.ColumnMetrics;
import dev.keel.quality.ColumnState;

/** The {@code _keel/dataset_versions} table: append-only, one row per ingest attempt. */
public final class DatasetVersions {
    static final StructType COLUMN_METRICS = new StructType()
            .add("column", DataTypes.StringType)
            .add("type", DataTypes.StringType)
            .add("null_fraction", DataTypes.DoubleType)
            .add("min", DataTypes.StringType)
            .add("max", DataTypes.StringType)
            .add("mean", DataTypes.DoubleType)
            .add("approx_distinct", DataTypes.LongType);
    static final StructType CHECK = new StructType()
            .add("name", DataTypes.StringType)
            .add("passed", DataTypes.BooleanType)
            .add("observed", DataTypes.StringType)
            .add("expected", DataTypes.StringType);
    private static final String TABLE_METRICS = "table_metrics";
    static final StructType COLUMN_STATE = new StructType()
            .add("column", DataTypes.StringType)
            .add("type", DataTypes.StringType)
            .add("rows", DataTypes.LongType)
            .add("nulls", DataTypes.LongType)
            .add("min", DataTypes.StringType)
            .add("max", DataTypes.StringType)
            .add("sum", DataTypes.DoubleType)
            .add("hll_sketch", DataTypes.BinaryType);
    static final StructType SOURCE_FILE = new StructType()
            .add("path", DataTypes.StringType)
            .add("size", DataTypes.LongType)
            .add("modification_time", DataTypes.TimestampType);

    public static final StructType SCHEMA = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("version", DataTypes.LongType, true)
            .add("status", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("mode", DataTypes.StringType, false)
            .add("recorded_at", DataTypes.TimestampType, false)
            .add("table_path", DataTypes.StringType, false)
            .add("quarantine_version", DataTypes.LongType, true)
            .add("rows_read", DataTypes.LongType, false)
            .add("rows_clean", DataTypes.LongType, false)
            .add("rows_quarantined", DataTypes.LongType, false)
            .add("rows_duplicate", DataTypes.LongType, false)
            .add("quarantined_by_rule", new MapType(DataTypes.StringType, DataTypes.LongType, true), false)
            .add("column_metrics", new ArrayType(COLUMN_METRICS, true), false)
            .add("checks", new ArrayType(CHECK, true), false)
            .add("contract_file", DataTypes.StringType, false)
            .add("contract_sha256", DataTypes.StringType, false)
            .add("source_files", new ArrayType(SOURCE_FILE, true), false)
            .add("error", DataTypes.StringType, true)
            .add(TABLE_METRICS, new ArrayType(COLUMN_STATE, true), true);

    private final DeltaStore store;
    private final LakeLayout layout;
    private final String path;

    public DatasetVersions(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.path = layout.keel(KeelTable.DATASET_VERSIONS);
    }

    public String path() {
        return path;
    }

    public void record(DatasetVersion v) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        store.append(path, store.spark().createDataFrame(List.of(toRow(v, layout)), SCHEMA),
                WriteOptions.forRun(v.runId()).withMergedSchema());
    }

    /**
     * Every attempt for {@code dataset}, oldest first, without the whole-version column states
     * ({@link DatasetVersion#tableColumns()} is empty): those are read one version at a time.
     */
    public List<DatasetVersion> of(String dataset) {
        if (!store.exists(path)) {
            return List.of();
        }
        List<DatasetVersion> versions = new ArrayList<>(store.read(path).drop(TABLE_METRICS).filter(col("dataset").equalTo(dataset))
                .collectAsList().stream().map(r -> fromRow(r, layout)).toList());
        versions.sort(Comparator.comparing(DatasetVersion::recordedAt));
        return versions;
    }

    /** The committed row for one version of the clean table, with its column states. */
    public Optional<DatasetVersion> committed(String dataset, long version) {
        if (!store.exists(path)) {
            return Optional.empty();
        }
        return store.read(path).filter(col("dataset").equalTo(dataset).and(col("status").equalTo(DatasetVersion.Status.COMMITTED.name()))
                .and(col("version").equalTo(version))).collectAsList().stream().map(r -> fromRow(r, layout))
                .min(Comparator.comparing(DatasetVersion::recordedAt));
    }

    /** Files already in the clean table's latest version (see {@link #filesAt}). */
    public List<SourceFile> ingestedFiles(String dataset) {
        List<DatasetVersion> committed = committedOf(dataset);
        return committed.isEmpty() ? List.of() : filesAt(committed, committed.size() - 1);
    }

    /** The source files whose rows version {@code version} of the clean table holds. */
    public List<SourceFile> ingestedFiles(String dataset, long version) {
        List<DatasetVersion> committed = committedOf(dataset);
        for (int i = 0; i < committed.size(); i++) {
            if (committed.get(i).version().orElse(-1L) == version) {
                return filesAt(committed, i);
            }
        }
        return List.of();
    }

    /**
     * The committed attempts in the order of the versions they made, which is not always the order
     * they were recorded in when writers run concurrently.
     */
    private List<DatasetVersion> committedOf(String dataset) {
        return of(dataset).stream().filter(v -> v.status() == DatasetVersion.Status.COMMITTED && v.version().isPresent())
                .sorted(Comparator.comparing((DatasetVersion v) -> v.version().orElseThrow())).toList();
    }

    /**
     * Files behind the version committed at {@code index}: those of the last overwrite or restore
     * up to it (a restore records the files of the version it brought back) and of every commit
     * after that.
     */
    private static List<SourceFile> filesAt(List<DatasetVersion> committed, int index) {
        int start = 0;
        for (int i = 0; i <= index; i++) {
            IngestMode mode = committed.get(i).mode();
            if (mode == IngestMode.OVERWRITE || mode == IngestMode.RESTORE) {
                start = i;
            }
        }
        List<SourceFile> files = new ArrayList<>();
        committed.subList(start, index + 1).forEach(v -> files.addAll(v.sourceFiles()));
        return files;
    }

    private static Row toRow(DatasetVersion v, LakeLayout layout) {
        List<Row> metrics = v.columns().stream().map(m -> RowFactory.create(m.column(), m.type(), m.nullFraction(),
                m.min().orElse(null), m.max().orElse(null), m.mean().orElse(null), m.approxDistinct())).toList();
        List<Row> checks = v.checks().stream().map(c -> RowFactory.create(c.name(), c.passed(), c.observed(), c.expected())).toList();
        List<Row> files = v.sourceFiles().stream()
                .map(f -> RowFactory.create(layout.name(f.path()), f.size(), Timestamp.from(f.modificationTime()))).toList();
        return RowFactory.create(v.dataset(), v.version().orElse(null), v.status().name(), v.runId(), v.mode().lower(),
                Timestamp.from(v.recordedAt()), layout.name(v.table()), v.quarantineVersion().orElse(null), v.rowsRead(), v.rowsClean(),
                v.rowsQuarantined(), v.rowsDuplicate(), new LinkedHashMap<>(v.quarantinedByRule()), metrics, checks,
                v.contractFile(), v.contractSha256(), files, v.error().orElse(null), v.tableColumns().isEmpty() ? null
                        : v.tableColumns().stream().map(c -> RowFactory.create(c.column(), c.type(), c.rows(), c.nulls(),
                                c.min().orElse(null), c.max().orElse(null), c.sum().orElse(null), c.sketch().orElse(null))).toList());
    }

    /** The {@code table_metrics} of a row; empty for rows written before the column existed. */
    private static List<ColumnState> tableColumns(Row r) {
        if (!List.of(r.schema().fieldNames()).contains(TABLE_METRICS) || r.isNullAt(r.fieldIndex(TABLE_METRICS))) {
            return List.of();
        }
        return r.<Row>getList(r.fieldIndex(TABLE_METRICS)).stream().map(c -> new ColumnState(c.getString(0), c.getString(1),
                c.getLong(2), c.getLong(3), Optional.ofNullable(c.getString(4)), Optional.ofNullable(c.getString(5)),
                c.isNullAt(6) ? Optional.empty() : Optional.of(c.getDouble(6)),
                c.isNullAt(7) ? Optional.empty() : Optional.of((byte[]) c.get(7)))).toList();
    }

    private static DatasetVersion fromRow(Row r, LakeLayout layout) {
        List<ColumnMetrics> metrics = r.<Row>getList(r.fieldIndex("column_metrics")).stream().map(m -> new ColumnMetrics(
                m.getString(0), m.getString(1), m.getDouble(2), Optional.ofNullable(m.getString(3)),
                Optional.ofNullable(m.getString(4)), m.isNullAt(5) ? Optional.empty() : Optional.of(m.getDouble(5)),
                m.getLong(6))).toList();
        List<CheckResult> checks = r.<Row>getList(r.fieldIndex("checks")).stream()
                .map(c -> new CheckResult(c.getString(0), c.getBoolean(1), c.getString(2), c.getString(3))).toList();
        List<SourceFile> files = r.<Row>getList(r.fieldIndex("source_files")).stream()
                .map(f -> new SourceFile(layout.locate(f.getString(0)), f.getLong(1), f.getTimestamp(2).toInstant())).toList();
        Map<String, Long> byRule = new LinkedHashMap<>(r.<String, Long>getJavaMap(r.fieldIndex("quarantined_by_rule")));
        int version = r.fieldIndex("version");
        int quarantine = r.fieldIndex("quarantine_version");
        return new DatasetVersion(
                r.getString(r.fieldIndex("dataset")),
                r.isNullAt(version) ? Optional.empty() : Optional.of(r.getLong(version)),
                DatasetVersion.Status.valueOf(r.getString(r.fieldIndex("status"))),
                r.getString(r.fieldIndex("run_id")),
                IngestMode.recorded(r.getString(r.fieldIndex("mode"))),
                r.getTimestamp(r.fieldIndex("recorded_at")).toInstant(),
                layout.locate(r.getString(r.fieldIndex("table_path"))),
                r.isNullAt(quarantine) ? Optional.empty() : Optional.of(r.getLong(quarantine)),
                r.getLong(r.fieldIndex("rows_read")),
                r.getLong(r.fieldIndex("rows_clean")),
                r.getLong(r.fieldIndex("rows_quarantined")),
                r.getLong(r.fieldIndex("rows_duplicate")),
                byRule, metrics, checks,
                r.getString(r.fieldIndex("contract_file")),
                r.getString(r.fieldIndex("contract_sha256")),
                files,
                Optional.ofNullable(r.getString(r.fieldIndex("error"))),
                tableColumns(r));
    }
}
