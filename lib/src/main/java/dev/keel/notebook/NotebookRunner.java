package dev.keel.notebook;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import dev.keel.error.IntegrityException;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.pipeline.PipelineState;
import dev.keel.registry.ModelVersions;
import dev.keel.registry.VersionClaims;
import dev.keel.report.HtmlPage;
import dev.keel.slurm.ComputeUsage;

/**
 * Runs a notebook's query cells headless on Spark against the lakehouse, every {@code _keel}
 * table there as the view {@code keel_<table>}, and renders an HTML report of its markdown, each
 * query with its result table (the first {@value #SHOWN} rows) and its chart. Every cell runs
 * even after one fails; then a failed query, or a query that returned no rows where rows were
 * expected, fails the notebook with one line per such cell.
 */
public final class NotebookRunner {
    /** Result rows a report shows per query. */
    public static final int SHOWN = 200;

    private final SparkSession spark;
    private final DeltaStore store;
    private final LakeLayout layout;
    /** The views, registered by the first notebook this runner runs and queried by every later one. */
    private List<String> views;

    public NotebookRunner(DeltaStore store, LakeLayout layout) {
        this.store = requireNonNull(store, "store");
        this.spark = store.spark();
        this.layout = requireNonNull(layout, "layout");
    }

    /**
     * One query's outcome.
     *
     * @param cell its cell number
     * @param rows rows returned
     * @param millis how long it took
     * @param problem why it failed the notebook, if it did
     */
    public record CellResult(int cell, long rows, long millis, Optional<String> problem) {
    }

    /**
     * A run of a notebook.
     *
     * @param notebook its file
     * @param page the report
     * @param views the {@code keel_} views it could query
     * @param cells every query's outcome
     */
    public record Result(String notebook, String page, List<String> views, List<CellResult> cells) {
        public List<CellResult> failed() {
            return cells.stream().filter(c -> c.problem().isPresent()).toList();
        }
    }

    /** Runs {@code notebook}, writes its report into {@code out}; fails (exit 3) when a query failed or came back empty where rows were expected. */
    public Result run(Notebook notebook, String out) {
        if (views == null) {
            views = registerViews();
        }
        HtmlPage page = new HtmlPage(notebook.title());
        page.facts(Map.of("notebook", notebook.file(), "lakehouse", layout.root(), "views", String.join(", ", views)));
        List<CellResult> results = new ArrayList<>();
        for (Notebook.Cell cell : notebook.cells()) {
            if (cell instanceof Notebook.Markdown md) {
                markdown(page, md.text());
            } else if (cell instanceof Notebook.Query q) {
                results.add(query(page, q));
            }
        }
        String written = page.write(out, spark.sparkContext().hadoopConfiguration());
        Result result = new Result(notebook.file(), written, views, results);
        if (!result.failed().isEmpty()) {
            throw new IntegrityException("Notebook " + notebook.file() + ": " + result.failed().size() + " of " + results.size()
                    + " queries failed (report " + written + "): " + String.join("; ", result.failed().stream().map(c -> "cell " + c.cell()
                            + " " + c.problem().orElseThrow()).toList()));
        }
        return result;
    }

    /**
     * Every {@code _keel} table as {@code keel_<table>}. A table a lake has not written yet (no Slurm
     * job metered, no pipeline run) is an empty view where keel knows its columns, so that a query of
     * it returns no rows instead of failing.
     */
    private List<String> registerViews() {
        Map<KeelTable, StructType> known = Map.of(KeelTable.COMPUTE_USAGE, ComputeUsage.SCHEMA, KeelTable.PIPELINE_RUNS,
                PipelineState.SCHEMA, KeelTable.MODEL_CLAIMS, VersionClaims.SCHEMA, KeelTable.MODELS, ModelVersions.SCHEMA);
        List<String> views = new ArrayList<>();
        for (KeelTable t : KeelTable.values()) {
            String path = layout.keel(t);
            String view = "keel_" + t.directory();
            if (store.exists(path)) {
                store.read(path).createOrReplaceTempView(view);
                views.add(view);
            } else if (known.containsKey(t)) {
                spark.createDataFrame(List.<Row>of(), known.get(t)).createOrReplaceTempView(view);
                views.add(view + " (empty)");
            }
        }
        return views;
    }

    private static void markdown(HtmlPage page, String text) {
        StringBuilder paragraph = new StringBuilder();
        for (String line : (text + "\n\n").lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                if (paragraph.length() > 0) {
                    page.paragraph(paragraph.toString().strip());
                    paragraph.setLength(0);
                }
                if (line.startsWith("## ") || line.startsWith("### ")) {
                    page.heading(line.replaceFirst("^#+ ", ""));
                }
            } else {
                paragraph.append(line.strip()).append(' ');
            }
        }
    }

    private CellResult query(HtmlPage page, Notebook.Query q) {
        page.code(q.sql());
        long start = System.nanoTime();
        List<Row> rows;
        List<String> columns;
        long count;
        try {
            Dataset<Row> result = spark.sql(q.sql());
            columns = List.of(result.columns());
            rows = result.limit(SHOWN + 1).collectAsList();
            count = rows.size() > SHOWN ? result.count() : rows.size();
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes, though nothing declares it
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
            page.paragraph("FAILED: " + message);
            return new CellResult(q.number(), 0, millis(start), Optional.of("failed: " + message));
        }
        List<List<String>> shown = rows.stream().limit(SHOWN).map(r -> {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                cells.add(text(r.get(i)));
            }
            return cells;
        }).toList();
        page.table(columns, shown, "(no rows)");
        page.paragraph(count + " row(s)" + (count > SHOWN ? ", the first " + SHOWN + " shown" : "") + ", " + millis(start) + " ms");
        if (count == 0 && q.rowsExpected()) {
            return new CellResult(q.number(), 0, millis(start), Optional.of("returned no rows (mark it '-- keel:expect any' where "
                    + "none is a valid answer)"));
        }
        if (q.chart().isPresent() && count > 0) {
            Optional<String> problem = chart(page, q, columns, rows);
            if (problem.isPresent()) {
                return new CellResult(q.number(), count, millis(start), problem);
            }
        }
        return new CellResult(q.number(), count, millis(start), Optional.empty());
    }

    private static Optional<String> chart(HtmlPage page, Notebook.Query q, List<String> columns, List<Row> rows) {
        Notebook.Chart c = q.chart().orElseThrow();
        List<String> needed = new ArrayList<>(c.y());
        needed.add(c.x());
        c.series().ifPresent(needed::add);
        for (String column : needed) {
            if (!columns.contains(column)) {
                return Optional.of("chart column '" + column + "' is not in the result " + columns);
            }
        }
        List<Object> categories = new ArrayList<>();
        for (Row r : rows) {
            String x = text(r.get(columns.indexOf(c.x())));
            if (!categories.contains(x)) {
                categories.add(x);
            }
        }
        Map<String, Object[]> series = new LinkedHashMap<>();
        for (Row r : rows) {
            int at = categories.indexOf(text(r.get(columns.indexOf(c.x()))));
            for (String y : c.y()) {
                String name = c.series().map(s -> text(r.get(columns.indexOf(s))) + (c.y().size() > 1 ? " " + y : "")).orElse(y);
                Object value = r.get(columns.indexOf(y));
                if (value != null && !(value instanceof Number)) {
                    return Optional.of("chart column '" + y + "' is not numeric: " + value);
                }
                series.computeIfAbsent(name, n -> new Object[categories.size()])[at] = value;
            }
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of());
        option.put("xAxis", Map.of("type", "category", "name", c.x(), "data", categories));
        option.put("yAxis", Map.of("type", "value"));
        option.put("series", series.entrySet().stream().map(e -> Map.of("name", e.getKey(), "type", c.kind(), "data",
                java.util.Arrays.asList(e.getValue()))).toList());
        page.chart("cell-" + q.number(), option);
        return Optional.empty();
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.4f", d);
        }
        if (value instanceof scala.collection.Map<?, ?> || value instanceof scala.collection.Seq<?>) {
            return value.toString().replaceFirst("^(Map|WrappedArray|ArraySeq|List)", "");
        }
        return value.toString();
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
