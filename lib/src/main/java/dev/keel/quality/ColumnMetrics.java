package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Profile of one column over the clean rows of a version.
 *
 * @param column the column
 * @param type its contract type
 * @param nullFraction the fraction of rows where it is null
 * @param min smallest value, as text
 * @param max largest value, as text
 * @param mean average, for numeric columns
 * @param approxDistinct approximate number of distinct values (HyperLogLog++, about 5% error)
 */
public record ColumnMetrics(
        String column,
        String type,
        double nullFraction,
        Optional<String> min,
        Optional<String> max,
        Optional<Double> mean,
        long approxDistinct) {
    public ColumnMetrics {
        requireNonNull(column, "column");
        requireNonNull(type, "type");
        requireNonNull(min, "min");
        requireNonNull(max, "max");
        requireNonNull(mean, "mean");
    }
}
