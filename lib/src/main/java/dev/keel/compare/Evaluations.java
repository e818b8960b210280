package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.LakeRow;
import dev.keel.lake.WriteOptions;
import dev.keel.registry.ModelRef;
import dev.keel.split.SplitRef;

/**
 * {@code _keel/evaluations}: one row per model version x data version x slice with its metrics;
 * a comparison's row also names the baseline and carries its statistics and verdict; a gate's row
 * carries the measured values, the thresholds and passed or failed.
 */
public final class Evaluations {
    public static final StructType SCHEMA = new StructType()
            .add("kind", DataTypes.StringType, false)
            .add("model_name", DataTypes.StringType, false)
            .add("model_version", DataTypes.LongType, false)
            .add("baseline_name", DataTypes.StringType, true)
            .add("baseline_version", DataTypes.LongType, true)
            .add("data_table", DataTypes.StringType, false)
            .add("data_version", DataTypes.LongType, false)
            .add("data_split", DataTypes.StringType, false)
            .add("slice", DataTypes.StringType, false)
            .add("examples", DataTypes.LongType, false)
            .add("metrics", new MapType(DataTypes.StringType, DataTypes.DoubleType, false), false)
            .add("baseline_metrics", new MapType(DataTypes.StringType, DataTypes.DoubleType, false), true)
            .add("statistics", new MapType(DataTypes.StringType, DataTypes.DoubleType, false), true)
            .add("verdict", DataTypes.StringType, true)
            .add("run_id", DataTypes.StringType, false)
            .add("created_at", DataTypes.TimestampType, false);

    private final DeltaStore store;
    private final LakeLayout layout;
    private final String path;

    public Evaluations(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.layout = requireNonNull(layout, "layout");
        this.path = layout.keel(KeelTable.EVALUATIONS);
    }

    public void append(List<EvaluationRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<Row> out = rows.stream().map(r -> RowFactory.create(r.kind(), r.model().name(), r.model().version(),
                r.baseline().map(ModelRef::name).orElse(null), r.baseline().map(ModelRef::version).orElse(null), layout.name(r.data().table()),
                r.data().version(), r.data().split(), r.slice(), r.examples(), new HashMap<>(r.metrics()),
                r.baseline().isPresent() || !r.baselineMetrics().isEmpty() ? new HashMap<>(r.baselineMetrics()) : null,
                r.statistics().isEmpty() ? null : new HashMap<>(r.statistics()), r.verdict().orElse(null), r.runId(),
                Timestamp.from(r.createdAt()))).toList();
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        store.append(path, store.spark().createDataFrame(out, SCHEMA), WriteOptions.forRun(rows.get(0).runId()));
    }

    /** Appends a comparison over all test examples (slice {@code all}). */
    public void record(Comparison c, String runId, Instant at) {
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("alpha", c.alpha());
        statistics.put("mcnemar_p", c.mcNemarP());
        statistics.put("mcnemar_b", (double) c.onlyBaselineRight());
        statistics.put("mcnemar_c", (double) c.onlyCandidateRight());
        c.deltas().forEach((metric, delta) -> statistics.put(metric + "_delta", delta));
        c.intervals().forEach((metric, interval) -> {
            statistics.put(metric + "_delta_low", interval.low());
            statistics.put(metric + "_delta_high", interval.high());
        });
        append(List.of(new EvaluationRow("comparison", c.candidate(), Optional.of(c.baseline()), c.test(), "all", c.examples(),
                c.candidateMetrics(), c.baselineMetrics(), statistics, Optional.of(c.verdict().text()), runId, at)));
    }

    /** Every row of {@code kind} about {@code model}'s versions, oldest first, read without Spark. */
    public static List<EvaluationRow> read(KernelTables kernel, LakeLayout layout, String kind, String model) {
        List<EvaluationRow> rows = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.EVALUATIONS), Arrays.asList(SCHEMA.fieldNames()), Optional.empty(), r -> {
            if (r.getString("kind").equals(kind) && r.getString("model_name").equals(model)) {
                rows.add(row(r, layout));
            }
        });
        rows.sort(Comparator.comparing(EvaluationRow::createdAt));
        return rows;
    }

    private static EvaluationRow row(LakeRow r, LakeLayout layout) {
        Optional<ModelRef> baseline = r.isNull("baseline_name") ? Optional.empty()
                : Optional.of(new ModelRef(r.getString("baseline_name"), r.getLong("baseline_version")));
        return new EvaluationRow(r.getString("kind"), new ModelRef(r.getString("model_name"), r.getLong("model_version")), baseline,
                new SplitRef(layout.locate(r.getString("data_table")), r.getLong("data_version"), r.getString("data_split")), r.getString("slice"),
                r.getLong("examples"), r.getDoubleMap("metrics"), r.getDoubleMap("baseline_metrics"), r.getDoubleMap("statistics"),
                r.isNull("verdict") ? Optional.empty() : Optional.of(r.getString("verdict")), r.getString("run_id"),
                r.getInstant("created_at"));
    }
}
