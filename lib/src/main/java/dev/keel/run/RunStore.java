package dev.keel.run;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import io.delta.tables.DeltaTable;

/**
 * The {@code _keel/runs} table: one row per run, appended when the run starts and updated in
 * place when it ends. Concurrent runs only ever touch their own row; a lost optimistic-concurrency
 * race is retried.
 */
public final class RunStore {
    /** An element of a run's inputs or outputs: a Delta table and the version read or written. */
    public static final StructType TABLE_VERSION = new StructType()
            .add("table", DataTypes.StringType, true)
            .add("version", DataTypes.LongType, true);

    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("actor", DataTypes.StringType, false)
            .add("host", DataTypes.StringType, false)
            .add("keel_version", DataTypes.StringType, false)
            .add("git_commit", DataTypes.StringType, false)
            .add("code_sha256", DataTypes.StringType, false)
            .add("config_hash", DataTypes.StringType, false)
            .add("command", new ArrayType(DataTypes.StringType, true), false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("ended_at", DataTypes.TimestampType, true)
            .add("error", DataTypes.StringType, true)
            .add("inputs", new ArrayType(TABLE_VERSION, true), false)
            .add("outputs", new ArrayType(TABLE_VERSION, true), false)
            .add("spark_app_id", DataTypes.StringType, true)
            .add("slurm_job_id", DataTypes.StringType, true);

    private final DeltaStore store;
    private final LakeLayout layout;
    private final String path;

    public RunStore(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.path = layout.keel(KeelTable.RUNS);
    }

    public String path() {
        return path;
    }

    /** Records a run that has just started (status RUNNING). */
    public void start(RunRecord record) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        store.append(path, store.spark().createDataFrame(List.of(toRow(record, layout)), SCHEMA),
                WriteOptions.forRun(record.runId()));
    }

    /** Replaces the run's row with its final state. */
    public void finish(RunRecord record) {
        Map<String, Column> set = new LinkedHashMap<>();
        set.put("status", lit(record.status().name()));
        set.put("ended_at", record.endedAt().map(t -> lit(Timestamp.from(t))).orElse(lit(null).cast("timestamp")));
        set.put("error", record.error().map(e -> lit(e)).orElse(lit(null).cast("string")));
        set.put("inputs", tableVersions(record.inputs()));
        set.put("outputs", tableVersions(record.outputs()));
        set.put("spark_app_id", record.sparkAppId().map(s -> lit(s)).orElse(lit(null).cast("string")));
        set.put("slurm_job_id", record.slurmJobId().map(s -> lit(s)).orElse(lit(null).cast("string")));
        ConflictRetry.standard().run("record the end of run " + record.runId() + " in " + path, () -> {
            store.commitAs(path, record.runId(), () -> DeltaTable.forPath(store.spark(), path).update(col("run_id")
                    .equalTo(record.runId()), set));
            return null;
        });
    }

    public Optional<RunRecord> find(String runId) {
        if (!store.exists(path)) {
            return Optional.empty();
        }
        List<Row> rows = store.read(path).filter(col("run_id").equalTo(runId)).collectAsList();
        return rows.stream().findFirst().map(r -> fromRow(r, layout));
    }

    /**
     * The unfinished or failed runs of {@code kind} inside Slurm job {@code slurmJobId}, newest
     * first: the earlier attempts of a job that Slurm requeued (after preemption, a node failure
     * or {@code scontrol requeue}), which a new attempt may continue from.
     */
    public List<RunRecord> earlierAttempts(String kind, String slurmJobId) {
        if (!store.exists(path)) {
            return List.of();
        }
        return store.read(path)
                .filter(col("kind").equalTo(kind).and(col("slurm_job_id").equalTo(slurmJobId))
                        .and(col("status").notEqual(RunStatus.SUCCEEDED.name())))
                .orderBy(col("started_at").desc(), col("run_id").desc())
                .collectAsList().stream().map(r -> fromRow(r, layout)).toList();
    }

    private Column tableVersions(List<TableVersion> versions) {
        if (versions.isEmpty()) {
            return org.apache.spark.sql.functions.array().cast(new ArrayType(TABLE_VERSION, true));
        }
        Column[] items = versions.stream()
                .map(v -> org.apache.spark.sql.functions.struct(lit(layout.name(v.table())).as("table"),
                        lit(v.version()).as("version")))
                .toArray(Column[]::new);
        return org.apache.spark.sql.functions.array(items);
    }

    static Row toRow(RunRecord r, LakeLayout layout) {
        return RowFactory.create(r.runId(), r.kind(), r.status().name(), r.actor(), r.host(), r.keelVersion(),
                r.gitCommit(), r.codeSha256(), r.configHash(), r.command(), Timestamp.from(r.startedAt()),
                r.endedAt().map(Timestamp::from).orElse(null), r.error().orElse(null),
                tableVersionRows(r.inputs(), layout), tableVersionRows(r.outputs(), layout),
                r.sparkAppId().orElse(null), r.slurmJobId().orElse(null));
    }

    static RunRecord fromRow(Row row, LakeLayout layout) {
        return new RunRecord(
                row.getString(row.fieldIndex("run_id")),
                row.getString(row.fieldIndex("kind")),
                RunStatus.valueOf(row.getString(row.fieldIndex("status"))),
                row.getString(row.fieldIndex("actor")),
                row.getString(row.fieldIndex("host")),
                row.getString(row.fieldIndex("keel_version")),
                row.getString(row.fieldIndex("git_commit")),
                row.getString(row.fieldIndex("code_sha256")),
                row.getString(row.fieldIndex("config_hash")),
                row.<String>getList(row.fieldIndex("command")),
                row.getTimestamp(row.fieldIndex("started_at")).toInstant(),
                optionalInstant(row, "ended_at"),
                Optional.ofNullable(row.getString(row.fieldIndex("error"))),
                tableVersionsOf(row, "inputs", layout),
                tableVersionsOf(row, "outputs", layout),
                Optional.ofNullable(row.getString(row.fieldIndex("spark_app_id"))),
                Optional.ofNullable(row.getString(row.fieldIndex("slurm_job_id"))));
    }

    private static List<Row> tableVersionRows(List<TableVersion> versions, LakeLayout layout) {
        List<Row> rows = new ArrayList<>(versions.size());
        versions.forEach(v -> rows.add(RowFactory.create(layout.name(v.table()), v.version())));
        return rows;
    }

    private static List<TableVersion> tableVersionsOf(Row row, String field, LakeLayout layout) {
        List<Row> items = row.getList(row.fieldIndex(field));
        return items.stream().map(r -> new TableVersion(layout.locate(r.getString(0)), r.getLong(1))).toList();
    }

    private static Optional<Instant> optionalInstant(Row row, String field) {
        int i = row.fieldIndex(field);
        return row.isNullAt(i) ? Optional.empty() : Optional.of(row.getTimestamp(i).toInstant());
    }
}
