package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How well a model does on one split.
 *
 * @param examples examples evaluated
 * @param values headline metrics: accuracy, macro_f1, log_loss (classification) or rmse, mae, r2
 *     (regression)
 * @param perClass precision, recall and f1 per class (classification; empty for regression)
 * @param confusion confusion matrix, actual class by row, predicted by column (classification)
 */
public record ModelMetrics(long examples, Map<String, Double> values, List<Map<String, Double>> perClass, long[][] confusion) {
    public ModelMetrics {
        values = Map.copyOf(requireNonNull(values, "values"));
        perClass = List.copyOf(perClass);
        requireNonNull(confusion, "confusion");
    }

    /** A headline metric; fails naming the ones there are when {@code name} is not one. */
    public double get(String name) {
        Double value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Cannot read metric: there is no '" + name + "', only " + values.keySet());
        }
        return value;
    }

    /** Metrics as {@code name value} pairs by name, four decimals: how keel prints them. */
    public static String format(Map<String, Double> values) {
        return new TreeMap<>(values).entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
