package dev.keel.pipeline;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.util.ArrayList;
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
import dev.keel.lake.WriteOptions;

/**
 * {@code _keel/pipeline_runs}: one row per step outcome of every pipeline attempt, append-only.
 * What a re-run reads to continue a failed attempt from its failed step.
 */
public final class PipelineState {
    public static final StructType SCHEMA = new StructType()
            .add("pipeline", DataTypes.StringType, false)
            .add("attempt", DataTypes.StringType, false)
            .add("pipeline_run_id", DataTypes.StringType, false)
            .add("step", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, true)
            .add("outputs", new MapType(DataTypes.StringType, DataTypes.StringType, false), false)
            .add("message", DataTypes.StringType, false)
            .add("ended_at", DataTypes.TimestampType, false);

    private final KernelTables kernel;
    private final String path;

    public PipelineState(KernelTables kernel, String path) {
        this.kernel = requireNonNull(kernel, "kernel");
        this.path = requireNonNull(path, "path");
    }

    /** Every outcome of {@code pipeline}, oldest first. */
    public List<StepOutcome> outcomes(String pipeline) {
        List<StepOutcome> all = new ArrayList<>();
        if (kernel.latestVersion(path).isEmpty()) {
            return all;
        }
        kernel.scan(path, List.of(SCHEMA.fieldNames()), Optional.empty(), r -> {
            if (r.getString("pipeline").equals(pipeline)) {
                all.add(new StepOutcome(pipeline, r.getString("attempt"), r.getString("pipeline_run_id"), Step.of(r.getString("step")),
                        StepOutcome.Status.valueOf(r.getString("status")), Optional.ofNullable(r.getString("run_id")),
                        r.getStringMap("outputs"), r.getString("message"), r.getInstant("ended_at")));
            }
        });
        all.sort(java.util.Comparator.comparing(StepOutcome::at));
        return all;
    }

    /**
     * The attempt a run of {@code pipeline} should continue: the newest, when it ended with a
     * failed step; empty when the newest finished (or there is none) and a new attempt starts.
     * Returns each step's latest outcome in that attempt.
     */
    public Optional<Map<Step, StepOutcome>> unfinished(String pipeline) {
        List<StepOutcome> all = outcomes(pipeline);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        String attempt = all.stream().map(StepOutcome::attempt).max(String::compareTo).orElseThrow();
        Map<Step, StepOutcome> latest = new LinkedHashMap<>();
        all.stream().filter(o -> o.attempt().equals(attempt)).forEach(o -> latest.put(o.step(), o));
        boolean failed = latest.values().stream().anyMatch(o -> !o.done());
        return failed ? Optional.of(latest) : Optional.empty();
    }

    /** Appends {@code outcome}. */
    public static void record(DeltaStore store, String path, StepOutcome o) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of("delta.appendOnly", "true"));
        Row row = RowFactory.create(o.pipeline(), o.attempt(), o.pipelineRun(), o.step().label(), o.status().name(), o.runId().orElse(null),
                new HashMap<>(o.outputs()), o.message(), Timestamp.from(o.at()));
        store.append(path, store.spark().createDataFrame(List.of(row), SCHEMA), WriteOptions.forRun(o.pipelineRun()));
    }
}
