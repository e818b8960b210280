package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Optional;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The mergeable state behind one column's metrics over a set of rows: counts, extremes, the sum
 * for the mean and a HyperLogLog sketch (Apache DataSketches, as Spark's {@code hll_sketch_agg}
 * writes it) for the distinct count. The state of a table version is the state of the previous
 * version merged with the state of the rows an append added, so a night's metrics cost what the
 * night added.
 *
 * @param column the column
 * @param type its contract type ({@code int}, {@code string}, ...)
 * @param rows rows counted
 * @param nulls rows where it is null
 * @param min smallest value as text, compared numerically for numeric types
 * @param max largest value as text
 * @param sum sum of the values, for numeric types
 * @param sketch the HLL sketch's bytes; empty for binary columns
 */
public record ColumnState(
        String column,
        String type,
        long rows,
        long nulls,
        Optional<String> min,
        Optional<String> max,
        Optional<Double> sum,
        Optional<byte[]> sketch) {

    /** log2 of the sketch's buckets: about 1.6% relative error; Spark's default. */
    public static final int LG_K = 12;

    public ColumnState {
        requireNonNull(column, "column");
        requireNonNull(type, "type");
        requireNonNull(min, "min");
        requireNonNull(max, "max");
        requireNonNull(sum, "sum");
        requireNonNull(sketch, "sketch");
    }

    /** The state of both sets of rows together. */
    public ColumnState merge(ColumnState other) {
        if (!column.equals(other.column)) {
            throw new IllegalArgumentException("Cannot merge the state of column " + column + " with that of " + other.column);
        }
        Comparator<String> order = numeric() ? ColumnState::compareNumbers : Comparator.naturalOrder();
        Optional<byte[]> merged = sketch.isPresent() && other.sketch.isPresent() ? Optional.of(union(sketch.get(), other.sketch.get()))
                : sketch.isPresent() ? sketch : other.sketch;
        return new ColumnState(column, type, rows + other.rows, nulls + other.nulls, extreme(min, other.min, order.reversed()),
                extreme(max, other.max, order), sum.isPresent() || other.sum.isPresent()
                        ? Optional.of(sum.orElse(0.0) + other.sum.orElse(0.0)) : Optional.empty(), merged);
    }

    /** The metrics this state stands for. */
    public ColumnMetrics metrics() {
        long values = rows - nulls;
        return new ColumnMetrics(column, type, rows == 0 ? 0.0 : nulls / (double) rows, min, max,
                sum.filter(s -> values > 0).map(s -> s / values), sketch.map(s -> Math.round(HllSketch.heapify(s).getEstimate()))
                        .orElse(0L));
    }

    private boolean numeric() {
        return switch (type) {
            case "int", "long", "double", "integer", "bigint", "float", "short", "byte" -> true;
            default -> type.startsWith("decimal");
        };
    }

    private static int compareNumbers(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException notFinite) {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        }
    }

    private static Optional<String> extreme(Optional<String> a, Optional<String> b, Comparator<String> larger) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isPresent() ? a : b;
        }
        return Optional.of(larger.compare(a.get(), b.get()) >= 0 ? a.get() : b.get());
    }

    private static byte[] union(byte[] a, byte[] b) {
        Union union = new Union(LG_K);
        union.update(HllSketch.heapify(a));
        union.update(HllSketch.heapify(b));
        return union.getResult(TgtHllType.HLL_4).toCompactByteArray();
    }
}
