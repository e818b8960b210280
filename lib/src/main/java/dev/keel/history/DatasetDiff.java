package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import dev.keel.lake.TableVersion;
import dev.keel.quality.ColumnMetrics;

/**
 * What changed between two versions of a dataset.
 *
 * @param dataset the dataset
 * @param from the older version
 * @param to the newer version
 * @param rowsFrom rows in {@code from}
 * @param rowsTo rows in {@code to}
 * @param rowsOnlyInFrom rows (all columns equal, duplicates counted) in {@code from} and not in {@code to};
 *     empty when the schemas differ
 * @param rowsOnlyInTo rows in {@code to} and not in {@code from}; empty when the schemas differ
 * @param schemaChanges columns added, removed or retyped
 * @param columns per-column metrics in both versions, for columns present in both
 */
public record DatasetDiff(String dataset, TableVersion from, TableVersion to, long rowsFrom, long rowsTo,
        Optional<Long> rowsOnlyInFrom, Optional<Long> rowsOnlyInTo, List<SchemaChange> schemaChanges,
        List<MetricChange> columns) {
    public DatasetDiff {
        requireNonNull(dataset, "dataset");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(rowsOnlyInFrom, "rowsOnlyInFrom");
        requireNonNull(rowsOnlyInTo, "rowsOnlyInTo");
        schemaChanges = List.copyOf(schemaChanges);
        columns = List.copyOf(columns);
    }

    /**
     * One column's metrics before and after.
     *
     * @param column the column
     * @param from its metrics in the older version
     * @param to its metrics in the newer version
     */
    public record MetricChange(String column, ColumnMetrics from, ColumnMetrics to) {
        public MetricChange {
            requireNonNull(column, "column");
            requireNonNull(from, "from");
            requireNonNull(to, "to");
        }

        public double nullFractionDelta() {
            return to.nullFraction() - from.nullFraction();
        }

        /** Change of the mean, for numeric columns. */
        public Optional<Double> meanDelta() {
            return from.mean().flatMap(a -> to.mean().map(b -> b - a));
        }

        public long distinctDelta() {
            return to.approxDistinct() - from.approxDistinct();
        }

        public boolean changed() {
            return nullFractionDelta() != 0 || meanDelta().orElse(0.0) != 0 || distinctDelta() != 0
                    || !from.min().equals(to.min()) || !from.max().equals(to.max());
        }
    }
}
