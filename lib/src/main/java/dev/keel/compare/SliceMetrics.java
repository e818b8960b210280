package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A model's metrics on one slice of the evaluation data.
 *
 * @param slice {@code all}, {@code column=value} or a named condition
 * @param examples how many examples the slice has
 * @param metrics accuracy and macro-F1
 */
public record SliceMetrics(String slice, long examples, Map<String, Double> metrics) {
    public SliceMetrics {
        requireNonNull(slice, "slice");
        metrics = Map.copyOf(metrics);
    }
}
