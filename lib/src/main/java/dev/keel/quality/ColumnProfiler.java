package dev.keel.quality;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Per-column metrics (null fraction, min, max, mean, approximate distinct) as Spark aggregate
 * expressions, so that they ride along with any other aggregation in the same pass over the data.
 */
public final class ColumnProfiler {
    /** The aggregate that counts rows; its alias is read back by {@link #rows(Row)}. */
    public static final String ROWS = "__rows";

    private ColumnProfiler() {
    }

    public static Column rowCount() {
        return count(lit(1)).as(ROWS);
    }

    public static long rows(Row aggregated) {
        return aggregated.getLong(aggregated.fieldIndex(ROWS));
    }

    /** The aggregates for one column, aliased so that {@link #read} finds them. */
    public static List<Column> aggregates(String column, DataType type) {
        List<Column> aggregates = new ArrayList<>(List.of(count(col(column)).as("__nonnull_" + column)));
        if (!(type instanceof BinaryType)) {
            aggregates.add(min(col(column)).cast("string").as("__min_" + column));
            aggregates.add(max(col(column)).cast("string").as("__max_" + column));
            aggregates.add(approx_count_distinct(col(column)).as("__distinct_" + column));
        }
        if (type instanceof NumericType) {
            aggregates.add(avg(col(column)).as("__mean_" + column));
        }
        return aggregates;
    }

    /**
     * The aggregates for one column's mergeable {@link ColumnState}, besides its {@link #aggregates}:
     * the sum of a numeric column and a HyperLogLog sketch of the values (as text, so that every
     * type but binary is sketched the same way).
     */
    public static List<Column> stateAggregates(String column, DataType type) {
        List<Column> aggregates = new ArrayList<>();
        if (type instanceof NumericType) {
            aggregates.add(sum(col(column).cast("double")).as("__sum_" + column));
        }
        if (!(type instanceof BinaryType)) {
            aggregates.add(hll_sketch_agg(col(column).cast("string"), ColumnState.LG_K).as("__sketch_" + column));
        }
        return aggregates;
    }

    /** The state of one column from a row holding {@link #rowCount()}, its {@link #aggregates} and {@link #stateAggregates}. */
    public static ColumnState readState(Row aggregated, String column, String typeLabel, DataType type) {
        long rows = rows(aggregated);
        long nonNull = aggregated.getLong(aggregated.fieldIndex("__nonnull_" + column));
        boolean binary = type instanceof BinaryType;
        Optional<Double> sum = Optional.empty();
        if (type instanceof NumericType && !aggregated.isNullAt(aggregated.fieldIndex("__sum_" + column))) {
            sum = Optional.of(aggregated.getDouble(aggregated.fieldIndex("__sum_" + column)));
        }
        Optional<byte[]> sketch = binary || aggregated.isNullAt(aggregated.fieldIndex("__sketch_" + column)) ? Optional.empty()
                : Optional.of((byte[]) aggregated.get(aggregated.fieldIndex("__sketch_" + column)));
        return new ColumnState(column, typeLabel, rows, rows - nonNull,
                binary ? Optional.empty() : Optional.ofNullable(aggregated.getString(aggregated.fieldIndex("__min_" + column))),
                binary ? Optional.empty() : Optional.ofNullable(aggregated.getString(aggregated.fieldIndex("__max_" + column))),
                sum, sketch);
    }

    /** The metrics of one column from a row holding {@link #rowCount()} and its {@link #aggregates}. */
    public static ColumnMetrics read(Row aggregated, String column, String typeLabel, DataType type) {
        long rows = rows(aggregated);
        long nonNull = aggregated.getLong(aggregated.fieldIndex("__nonnull_" + column));
        boolean binary = type instanceof BinaryType;
        Optional<Double> mean = Optional.empty();
        if (type instanceof NumericType && !aggregated.isNullAt(aggregated.fieldIndex("__mean_" + column))) {
            mean = Optional.of(aggregated.getDouble(aggregated.fieldIndex("__mean_" + column)));
        }
        return new ColumnMetrics(column, typeLabel,
                rows == 0 ? 0.0 : (rows - nonNull) / (double) rows,
                binary ? Optional.empty() : Optional.ofNullable(aggregated.getString(aggregated.fieldIndex("__min_" + column))),
                binary ? Optional.empty() : Optional.ofNullable(aggregated.getString(aggregated.fieldIndex("__max_" + column))),
                mean,
                binary ? 0 : aggregated.getLong(aggregated.fieldIndex("__distinct_" + column)));
    }

    /** The state of each of the contract's columns over {@code rows}, in one pass. */
    public static List<ColumnState> states(Dataset<Row> rows, Contract contract) {
        List<Column> aggregates = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            aggregates.addAll(aggregates(c.name(), c.type().sparkType()));
            aggregates.addAll(stateAggregates(c.name(), c.type().sparkType()));
        }
        Row r = rows.agg(rowCount(), aggregates.toArray(Column[]::new)).first();
        return contract.columns().stream().map(c -> readState(r, c.name(), c.type().yamlName(), c.type().sparkType())).toList();
    }

    /** Row count and every column's metrics of a whole table version, in one pass. */
    public static List<ColumnMetrics> profile(Dataset<Row> rows) {
        List<Column> aggregates = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            aggregates.addAll(aggregates(f.name(), f.dataType()));
        }
        Row r = rows.agg(rowCount(), aggregates.toArray(Column[]::new)).first();
        List<ColumnMetrics> metrics = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            metrics.add(read(r, f.name(), f.dataType().simpleString(), f.dataType()));
        }
        return metrics;
    }
}
