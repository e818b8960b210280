package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.WriteOptions;

/**
 * {@code _keel/evaluations}: one row per model version x data version x slice with its metrics;
 * a comparison's row also names the baseline and carries its statistics and verdict.
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
    private final String path;

    public Evaluations(DeltaStore store, String path) {
        this.store = requireNonNull(store, "store");
        this.path = requireNonNull(path, "path");
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
        Row row = RowFactory.create("comparison", c.candidate().name(), c.candidate().version(), c.baseline().name(),
                c.baseline().version(),
                c.test().table(), c.test().version(), c.test().split(), "all", c.examples(), new HashMap<>(c.candidateMetrics()),
                new HashMap<>(c.baselineMetrics()), new HashMap<>(statistics), c.verdict().text(), runId,
                Timestamp.from(at));
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        store.append(path, store.spark().createDataFrame(List.of(row), SCHEMA), WriteOptions.forRun(runId));
    }
}
