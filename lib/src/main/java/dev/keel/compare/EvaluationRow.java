package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.keel.registry.ModelRef;
import dev.keel.split.SplitRef;

/**
 * One row of {@code _keel/evaluations}.
 *
 * @param kind evaluation, comparison or gate
 * @param model the model version evaluated
 * @param baseline the version it was compared with, for a comparison or a gate against the champion
 * @param data the (table, version, split) it was evaluated on
 * @param slice {@code all}, or the slice's name ({@code station=A}, {@code faint})
 * @param examples how many examples the slice has
 * @param metrics the model's metrics (a gate: the measured values)
 * @param baselineMetrics the baseline's metrics (a gate: the thresholds)
 * @param statistics test statistics and deltas
 * @param verdict better / no significant difference / worse, or passed / failed
 * @param runId the run that wrote it
 * @param createdAt when
 */
public record EvaluationRow(String kind, ModelRef model, Optional<ModelRef> baseline, SplitRef data, String slice, long examples,
        Map<String, Double> metrics, Map<String, Double> baselineMetrics, Map<String, Double> statistics, Optional<String> verdict,
        String runId, Instant createdAt) {
    public EvaluationRow {
        requireNonNull(kind, "kind");
        requireNonNull(model, "model");
        requireNonNull(baseline, "baseline");
        requireNonNull(data, "data");
        requireNonNull(slice, "slice");
        metrics = Map.copyOf(metrics);
        baselineMetrics = Map.copyOf(baselineMetrics);
        statistics = Map.copyOf(statistics);
        requireNonNull(verdict, "verdict");
        requireNonNull(runId, "runId");
        requireNonNull(createdAt, "createdAt");
    }
}
