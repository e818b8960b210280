package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules over the whole batch of clean rows; one failure fails the run (exit 3) and no new version
 * of the clean table is written.
 *
 * @param minRows at least this many clean rows
 * @param completeness per column, the least fraction of clean rows that must be non-null
 * @param unique column sets whose values must be unique among the clean rows
 * @param maxQuarantineRatio the most quarantined rows may be, as a fraction of rows read
 * @param checks aggregate Spark SQL conditions over the clean rows
 */
public record DatasetRules(
        Optional<Long> minRows,
        Map<String, Double> completeness,
        List<List<String>> unique,
        Optional<Double> maxQuarantineRatio,
        List<Check> checks) {

    /**
     * A named aggregate condition, e.g. {@code count(DISTINCT label) = 10}.
     *
     * @param name how it is reported
     * @param condition a boolean aggregate expression
     */
    public record Check(String name, String condition) {
        public Check {
            requireNonNull(name, "name");
            requireNonNull(condition, "condition");
        }
    }

    public DatasetRules {
        requireNonNull(minRows, "minRows");
        completeness = Map.copyOf(completeness);
        unique = unique.stream().map(List::copyOf).toList();
        requireNonNull(maxQuarantineRatio, "maxQuarantineRatio");
        checks = List.copyOf(checks);
    }

    public static DatasetRules none() {
        return new DatasetRules(Optional.empty(), Map.of(), List.of(), Optional.empty(), List.of());
    }
}
