package dev.keel.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Column metrics and dataset rules over a batch of clean rows, computed in one aggregation (plus
 * one grouping per extra uniqueness rule).
 *
 * @param rows clean rows
 * @param columns per-column metrics, in contract order
 * @param checks every dataset rule's outcome, quarantine ratio included
 * @param states the mergeable state behind each column's metrics, in contract order
 */
public record BatchProfile(long rows, List<ColumnMetrics> columns, List<CheckResult> checks, List<ColumnState> states) {
    public BatchProfile {
        columns = List.copyOf(columns);
        checks = List.copyOf(checks);
        states = List.copyOf(states);
    }

    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }

    public List<CheckResult> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /**
     * @param clean the clean rows (typed contract columns)
     * @param rowsRead rows read from the sources, for the quarantine ratio
     * @param quarantined rows quarantined
     * @param uniqueKey a key the batch is already de-duplicated on: a uniqueness rule over exactly
     *     these columns holds by construction and is reported without another pass
     */
    public static BatchProfile of(Contract contract, Dataset<Row> clean, long rowsRead, long quarantined,
            Optional<List<String>> uniqueKey) {
        List<Column> aggregates = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            aggregates.addAll(ColumnProfiler.aggregates(c.name(), c.type().sparkType()));
            aggregates.addAll(ColumnProfiler.stateAggregates(c.name(), c.type().sparkType()));
        }
        List<DatasetRules.Check> checks = contract.datasetRules().checks();
        for (int i = 0; i < checks.size(); i++) {
            aggregates.add(expr(checks.get(i).condition()).cast("boolean").as("__check_" + i));
        }
        Row r = clean.agg(ColumnProfiler.rowCount(), aggregates.toArray(Column[]::new)).first();
        long rows = ColumnProfiler.rows(r);

        List<ColumnMetrics> metrics = new ArrayList<>();
        List<ColumnState> states = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            metrics.add(ColumnProfiler.read(r, c.name(), c.type().yamlName(), c.type().sparkType()));
            states.add(ColumnProfiler.readState(r, c.name(), c.type().yamlName(), c.type().sparkType()));
        }

        DatasetRules rules = contract.datasetRules();
        List<CheckResult> results = new ArrayList<>();
        rules.minRows().ifPresent(m -> results.add(new CheckResult("min_rows", rows >= m, Long.toString(rows), ">= " + m)));
        for (Map.Entry<String, Double> e : rules.completeness().entrySet()) {
            ColumnMetrics m = metrics.stream().filter(x -> x.column().equals(e.getKey())).findFirst().orElseThrow();
            double complete = 1.0 - m.nullFraction();
            results.add(new CheckResult("completeness:" + e.getKey(), complete >= e.getValue(), format(complete), ">= " + format(e.getValue())));
        }
        for (List<String> set : rules.unique()) {
            if (uniqueKey.isPresent() && Set.copyOf(uniqueKey.get()).equals(Set.copyOf(set))) {
                results.add(new CheckResult("unique:" + String.join(",", set), true,
                        "0 duplicated key(s) (de-duplicated on this key)", "0 duplicated keys"));
                continue;
            }
            long duplicated = clean.groupBy(set.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
                    .count().filter(col("count").gt(1)).count();
            results.add(new CheckResult("unique:" + String.join(",", set), duplicated == 0,
                    duplicated + " duplicated key(s)", "0 duplicated keys"));
        }
        rules.maxQuarantineRatio().ifPresent(m -> {
            double ratio = rowsRead == 0 ? 0.0 : quarantined / (double) rowsRead;
            results.add(new CheckResult("max_quarantine_ratio", ratio <= m, format(ratio), "<= " + format(m)));
        });
        for (int i = 0; i < checks.size(); i++) {
            int index = r.fieldIndex("__check_" + i);
            boolean held = !r.isNullAt(index) && r.getBoolean(index);
            results.add(new CheckResult(checks.get(i).name(), held, r.isNullAt(index) ? "null" : Boolean.toString(held),
                    checks.get(i).condition()));
        }
        return new BatchProfile(rows, metrics, results, states);
    }

    private static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value);
    }
}
