package dev.keel.history;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;

import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.run.RunContext;

/**
 * Population stability index of every column two versions share (keel's own {@code _} columns
 * aside), stored in {@code _keel/data_drift}.
 *
 * <p>Numeric, date and timestamp columns are binned at the reference version's deciles
 * (approximate percentiles); string and boolean columns by the reference's {@value #CATEGORIES}
 * most frequent values plus one bin for every other value. Nulls are always a bin of their own,
 * so a column that starts missing values drifts too. Proportions are floored at
 * {@value #FLOOR} so that an empty bin does not make the index infinite. Each version is read
 * twice at most: one aggregation for the bin edges or top values, one for all bin counts.
 */
public final class DriftAnalysis {
    static final int CATEGORIES = 20;
    static final double FLOOR = 1e-4;
    private static final double[] DECILES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    public static final StructType SCHEMA = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("from_version", DataTypes.LongType, false)
            .add("to_version", DataTypes.LongType, false)
            .add("column", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("bins", DataTypes.IntegerType, false)
            .add("psi", DataTypes.DoubleType, false)
            .add("threshold", DataTypes.DoubleType, false)
            .add("drifted", DataTypes.BooleanType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("computed_at", DataTypes.TimestampType, false);

    private final RunContext run;
    private final DataHistory history;

    public DriftAnalysis(RunContext run) {
        this.run = requireNonNull(run, "run");
        this.history = new DataHistory(run.env().store(), run.env().layout());
    }

    public DriftReport drift(String dataset, long from, long to, double threshold) {
        TableVersion a = history.resolve(dataset, Optional.of(from), Optional.empty());
        TableVersion b = history.resolve(dataset, Optional.of(to), Optional.empty());
        Dataset<Row> before = history.rows(a);
        Dataset<Row> after = history.rows(b);

        Map<String, List<Column>> bins = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        try (RunContext.Step step = run.step("binning the columns of " + dataset + " v" + from)) {
            List<StructField> numeric = new ArrayList<>();
            for (StructField f : before.schema().fields()) {
                if (f.name().startsWith("_") || !List.of(after.schema().fieldNames()).contains(f.name())
                        || !after.schema().apply(f.name()).dataType().equals(f.dataType())) {
                    continue;
                }
                if (isNumeric(f.dataType())) {
                    numeric.add(f);
                } else if (f.dataType() instanceof StringType || f.dataType() instanceof BooleanType) {
                    bins.put(f.name(), categoricalBins(before, f.name()));
                    kinds.put(f.name(), "categorical");
                }
            }
            numericBins(before, numeric).forEach((name, columnBins) -> {
                bins.put(name, columnBins);
                kinds.put(name, "numeric");
            });
        }

        List<ColumnDrift> columns = new ArrayList<>();
        try (RunContext.Step step = run.step("comparing " + bins.size() + " column distribution(s) of v" + from + " and v" + to)) {
            Map<String, double[]> p = proportions(before, bins);
            Map<String, double[]> q = proportions(after, bins);
            for (String column : bins.keySet()) {
                double psi = psi(p.get(column), q.get(column));
                columns.add(new ColumnDrift(column, kinds.get(column), p.get(column).length, psi, psi > threshold));
            }
        }
        columns.sort(Comparator.comparingDouble(ColumnDrift::psi).reversed().thenComparing(ColumnDrift::column));
        DriftReport report = new DriftReport(dataset, a, b, threshold, columns);
        store(report);
        return report;
    }

    /** PSI of two distributions over the same bins. */
    static double psi(double[] expected, double[] actual) {
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(expected[i], FLOOR);
            double a = Math.max(actual[i], FLOOR);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    private static boolean isNumeric(DataType type) {
        return type instanceof NumericType || type instanceof DateType || type instanceof TimestampType;
    }

    /** Bin predicates per numeric column: null, then below each distinct decile edge, then the rest. */
    private static Map<String, List<Column>> numericBins(Dataset<Row> reference, List<StructField> columns) {
        Map<String, List<Column>> bins = new LinkedHashMap<>();
        if (columns.isEmpty()) {
            return bins;
        }
        String deciles = "array(" + String.join(", ", java.util.Arrays.stream(DECILES).mapToObj(Double::toString).toList()) + ")";
        List<Column> edges = new ArrayList<>();
        for (StructField f : columns) {
            edges.add(expr("percentile_approx(" + asNumberSql(f) + ", " + deciles + ", 1000)").as(f.name()));
        }
        Row r = reference.agg(edges.get(0), edges.subList(1, edges.size()).toArray(Column[]::new)).first();
        for (StructField f : columns) {
            Column value = expr(asNumberSql(f));
            List<Column> columnBins = new ArrayList<>(List.of(value.isNull()));
            TreeSet<Double> distinct = new TreeSet<>();
            if (!r.isNullAt(r.fieldIndex(f.name()))) {
                distinct.addAll(r.<Double>getList(r.fieldIndex(f.name())));
            }
            Double lower = null;
            for (double edge : distinct) {
                Column below = value.lt(lit(edge));
                columnBins.add(lower == null ? below : value.geq(lit(lower)).and(below));
                lower = edge;
            }
            columnBins.add(lower == null ? value.isNotNull() : value.geq(lit(lower)));
            bins.put(f.name(), columnBins);
        }
        return bins;
    }

    private static String asNumberSql(StructField f) {
        if (f.dataType() instanceof DateType) {
            return "CAST(unix_date(`" + f.name() + "`) AS DOUBLE)";
        }
        if (f.dataType() instanceof TimestampType) {
            return "CAST(unix_micros(`" + f.name() + "`) AS DOUBLE)";
        }
        return "CAST(`" + f.name() + "` AS DOUBLE)";
    }

    /** Bin predicates for a categorical column: null, each top value, every other value. */
    private static List<Column> categoricalBins(Dataset<Row> reference, String column) {
        Column value = col(column).cast("string");
        List<Row> top = reference.filter(col(column).isNotNull()).groupBy(value.as("v")).agg(count(lit(1)).as("n"))
                .orderBy(desc("n"), col("v")).limit(CATEGORIES).collectAsList();
        List<Column> bins = new ArrayList<>(List.of(col(column).isNull()));
        List<Object> values = new ArrayList<>();
        for (Row t : top) {
            bins.add(value.equalTo(lit(t.getString(0))));
            values.add(t.getString(0));
        }
        bins.add(values.isEmpty() ? col(column).isNotNull() : col(column).isNotNull().and(value.isin(values.toArray()).unary_$bang()));
        return bins;
    }

    private static Map<String, double[]> proportions(Dataset<Row> rows, Map<String, List<Column>> bins) {
        List<Column> aggregates = new ArrayList<>();
        aggregates.add(count(lit(1)).as("__rows"));
        int i = 0;
        for (List<Column> columnBins : bins.values()) {
            for (Column bin : columnBins) {
                aggregates.add(sum(when(bin, 1L).otherwise(0L)).as("__bin_" + i++));
            }
        }
        Row r = rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
        long total = r.getLong(0);
        Map<String, double[]> proportions = new LinkedHashMap<>();
        i = 0;
        for (Map.Entry<String, List<Column>> e : bins.entrySet()) {
            double[] p = new double[e.getValue().size()];
            for (int b = 0; b < p.length; b++) {
                int index = r.fieldIndex("__bin_" + i++);
                p[b] = total == 0 || r.isNullAt(index) ? 0 : r.getLong(index) / (double) total;
            }
            proportions.put(e.getKey(), p);
        }
        return proportions;
    }

    private void store(DriftReport report) {
        String path = run.env().layout().keel(KeelTable.DATA_DRIFT);
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = report.columns().stream().map(c -> RowFactory.create(report.dataset(), report.from().version(),
                report.to().version(), c.column(), c.kind(), c.bins(), c.psi(), report.threshold(), c.drifted(),
                run.id().value(), now)).toList();
        run.env().store().ensureTable(path, SCHEMA, List.of(), Map.of());
        run.env().store().append(path, run.env().spark().createDataFrame(rows, SCHEMA), WriteOptions.forRun(run.id().value()));
    }
}
