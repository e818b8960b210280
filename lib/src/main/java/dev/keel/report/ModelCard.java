package dev.keel.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditReader;
import dev.keel.compare.EvaluationRow;
import dev.keel.compare.Evaluations;
import dev.keel.error.UsageException;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lineage.Lineage;
import dev.keel.lineage.LineageReader;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelEntry;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.run.RunContext;
import dev.keel.split.SplitReader;
import dev.keel.train.ModelMetrics;
import dev.keel.train.TrainedModel;
import dev.keel.train.TrainingData;

/**
 * {@code keel report model}: a model version's card as an HTML page: purpose, owner and tags;
 * lineage with dataset quality; training configuration; loss and validation curves; the confusion
 * matrix on its test split; comparisons with their confidence intervals; metric history across
 * versions; gate results; and every audit event about the version or its runs.
 */
public final class ModelCard {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunContext run;

    public ModelCard(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /** Writes the card of the version {@code reference} names into {@code dir} (local or Hadoop); returns the page's location. */
    public String write(String reference, String dir) {
        KernelTables kernel = run.env().store().kernel();
        Configuration hadoop = run.env().spark().sparkContext().hadoopConfiguration();
        Registry registry = new ModelCatalog(kernel, run.env().layout()).read();
        ModelVersion v = registry.resolve(reference);
        ModelEntry entry = registry.entry(v);
        ModelRef ref = ModelRef.of(v);
        Lineage lineage = new LineageReader(kernel, run.env().layout(), hadoop).read(entry);
        HtmlPage page = new HtmlPage("Model card: " + ref);

        page.heading("Purpose and ownership").facts(purpose(entry, lineage));
        page.heading("Lineage");
        page.facts(lineageFacts(lineage));
        page.table(List.of("dataset version", "mode", "read", "clean", "quarantined", "duplicates", "dataset rules", "source files",
                "ingest run"), lineage.datasets().stream().map(d -> List.of("v" + d.version(), d.mode(), Long.toString(d.rowsRead()),
                        Long.toString(d.rowsClean()), Long.toString(d.rowsQuarantined()), Long.toString(d.rowsDuplicate()),
                        d.checks().stream().filter(c -> Boolean.TRUE.equals(c.get("passed"))).count() + " of " + d.checks().size()
                                + " passed", d.sourceFiles().stream().map(f -> String.valueOf(f.get("path")).replaceAll(".*/", ""))
                                        .collect(Collectors.joining(", ")), d.runId())).toList(),
                "No dataset version is recorded for this split's source.");
        lineage.datasets().stream().reduce((a, b) -> b).ifPresent(d -> page.table(List.of("column", "type", "null fraction", "min",
                "max", "mean"), d.columnMetrics().stream().limit(80).map(c -> List.of(str(c.get("column")), str(c.get("type")),
                        number(c.get("null_fraction")), str(c.get("min")), str(c.get("max")), number(c.get("mean")))).toList(),
                "No column profile recorded."));

        page.heading("Training configuration").facts(new TreeMap<>(v.hyperParameters())).code(lineage.specText());
        List<JsonNode> history = history(hadoop, v);
        page.heading("Loss and validation curves");
        if (history.isEmpty()) {
            page.paragraph("The model directory has no training history.");
        } else {
            page.chart("loss", lossChart(history));
        }

        page.heading("Confusion matrix on " + v.test());
        if (v.task().equals("classification")) {
            page.chart("confusion", confusionChart(confusion(hadoop, v)));
        } else {
            page.paragraph("A " + v.task() + " model has no confusion matrix.");
        }

        List<EvaluationRow> comparisons = Evaluations.read(kernel, run.env().layout(), "comparison",
                v.name()).stream().filter(r -> r.model().version() == v.version()).toList();
        page.heading("Against other versions (paired, same test split)");
        page.table(List.of("baseline", "test split", "metric", "this", "baseline", "delta", "interval", "McNemar p", "verdict", "run"),
                comparisonRows(comparisons), "No comparison recorded yet (keel compare, keel gate).");
        if (!comparisons.isEmpty()) {
            page.chart("comparison", comparisonChart(comparisons.get(comparisons.size() - 1)));
        }

        page.heading("Metric history across versions of " + v.name());
        page.chart("history", historyChart(registry, v.name()));

        List<EvaluationRow> gates = latestRun(Evaluations.read(kernel, run.env().layout(), "gate", v.name())
                .stream().filter(r -> r.model().version() == v.version()).toList());
        page.heading("Gate results");
        page.table(List.of("gate", "result", "measured", "thresholds", "run", "at"), gates.stream().map(g -> List.of(g.slice(),
                g.verdict().orElse(""), format(g.metrics()), format(g.baselineMetrics()), g.runId(), g.createdAt().toString())).toList(),
                "Gates were never checked (keel gate " + ref + ").");
        List<EvaluationRow> slices = latestRun(Evaluations.read(kernel, run.env().layout(), "evaluation",
                v.name()).stream().filter(r -> r.model().version() == v.version()).toList());
        if (!slices.isEmpty()) {
            page.heading("Slices (latest evaluation, " + slices.get(0).data() + ")");
            page.chart("slices", sliceChart(slices));
        }

        List<AuditEvent> trail = trail(kernel, ref, v.runId());
        page.heading("Audit trail (" + trail.size() + " events)");
        page.table(List.of("seq", "time", "actor", "action", "subject", "run", "details"), trail.stream().map(e -> List.of(
                Long.toString(e.seq()), e.time().toString(), e.actor(), e.action(), e.subject(), e.runId(), e.details())).toList(),
                "No audit event names this version.");
        String index = page.write(dir, hadoop);
        run.audit("report.written", ref.toString(), Map.of("kind", "model card", "path", index, "charts",
                List.of("loss", "confusion", "history"), "audit_events", trail.size()));
        return index;
    }

    private static Map<String, String> purpose(ModelEntry e, Lineage l) {
        Map<String, String> facts = new LinkedHashMap<>();
        ModelVersion v = e.model();
        facts.put("model", ModelRef.of(v) + " (" + v.task() + ")");
        facts.put("purpose", e.description().orElseGet(() -> specDescription(l.specText())));
        facts.put("owner", e.owner());
        facts.put("accountable", e.accountable().orElse("not set (keel models set --accountable)"));
        facts.put("aliases", e.aliases().isEmpty() ? "none" : String.join(", ", e.aliases()));
        facts.put("tags", e.tags().isEmpty() ? "none" : String.join(", ", e.tags()));
        facts.put("test metrics", ModelMetrics.format(v.metrics()));
        facts.put("artifact", v.artifact() + " (sha256 " + v.modelSha256() + ")");
        facts.put("registered", v.createdAt() + " by " + v.owner());
        return facts;
    }

    private static Map<String, String> lineageFacts(Lineage l) {
        Map<String, String> facts = new LinkedHashMap<>();
        l.splits().forEach((role, ref) -> facts.put(role, ref.toString()));
        l.split().ifPresent(m -> facts.put("split manifest", "cut from " + m.sourceTable() + "@v" + m.sourceVersion() + ", seed "
                + m.seed() + ", keys " + String.join(", ", m.keyColumns()) + m.stratifyColumn().map(c -> ", stratified by " + c)
                        .orElse("") + ", run " + m.runId()));
        facts.put("features", l.features().size() + " columns");
        l.label().forEach((name, type) -> facts.put("label", name + " (" + type + ")"));
        l.run().ifPresent(r -> facts.put("training run", r.runId() + " by " + r.actor() + " on " + r.host() + ", keel " + r.keelVersion()
                + " commit " + r.gitCommit() + ", config " + r.configHash() + r.slurmJobId().map(j -> ", Slurm job " + j).orElse("")));
        return facts;
    }

    private static String specDescription(String spec) {
        return spec.lines().filter(line -> line.startsWith("description:")).map(line -> line.substring("description:".length()).trim())
                .findFirst().orElse("no description (keel models set --description)");
    }

    private static List<JsonNode> history(Configuration hadoop, ModelVersion v) {
        org.apache.hadoop.fs.Path manifest = new org.apache.hadoop.fs.Path(v.artifact(), "manifest.json");
        try {
            FileSystem fs = manifest.getFileSystem(hadoop);
            if (!fs.exists(manifest)) {
                return List.of();
            }
            try (InputStream in = fs.open(manifest)) {
                List<JsonNode> epochs = new ArrayList<>();
                JSON.readTree(in).path("history").forEach(epochs::add);
                return epochs;
            }
        } catch (IOException e) {
            throw new UsageException("Cannot read " + manifest + " (" + e.getClass().getSimpleName() + "): the model directory is "
                    + "incomplete; restore it or retrain");
        }
    }

    private static Map<String, Object> lossChart(List<JsonNode> history) {
        List<Object> epochs = history.stream().map(h -> (Object) h.path("epoch").asInt()).toList();
        List<Object> series = new ArrayList<>();
        series.add(line("training loss", history.stream().map(h -> (Object) h.path("loss").asDouble()).toList(), 0));
        Set<String> metrics = new java.util.TreeSet<>();
        history.forEach(h -> h.path("validation").fieldNames().forEachRemaining(metrics::add));
        for (String m : metrics) {
            series.add(line("validation " + m, history.stream().map(h -> (Object) h.path("validation").path(m).asDouble()).toList(),
                    m.equals("log_loss") ? 0 : 1));
        }
        Map<String, Object> option = base("Loss per epoch and validation metrics");
        option.put("xAxis", Map.of("type", "category", "name", "epoch", "data", epochs));
        option.put("yAxis", List.of(Map.of("type", "value", "name", "loss"), Map.of("type", "value", "name", "metric", "min", 0,
                "max", 1)));
        option.put("series", series);
        return option;
    }

    private int[][] confusion(Configuration hadoop, ModelVersion v) {
        TrainedModel model = TrainedModel.load(hadoop, v);
        try (RunContext.Step step = run.step("classifying " + v.test() + " for the confusion matrix");
                TrainingData data = new TrainingData(new SplitReader(run.env().store(), run.env().layout()), v.test(), model.spec())) {
            TrainedModel.Predictions p = model.classify(data);
            int[][] matrix = new int[model.spec().classes()][model.spec().classes()];
            for (int i = 0; i < p.actual().length; i++) {
                matrix[p.actual()[i]][p.predicted()[i]]++;
            }
            return matrix;
        }
    }

    private static Map<String, Object> confusionChart(int[][] matrix) {
        List<Object> cells = new ArrayList<>();
        int max = 1;
        for (int a = 0; a < matrix.length; a++) {
            for (int p = 0; p < matrix.length; p++) {
                cells.add(List.of(p, a, matrix[a][p]));
                max = Math.max(max, matrix[a][p]);
            }
        }
        List<Object> classes = new ArrayList<>();
        for (int k = 0; k < matrix.length; k++) {
            classes.add(Integer.toString(k));
        }
        Map<String, Object> option = base("Actual (rows) against predicted (columns)");
        option.put("xAxis", Map.of("type", "category", "name", "predicted", "data", classes));
        option.put("yAxis", Map.of("type", "category", "name", "actual", "data", classes));
        option.put("visualMap", Map.of("min", 0, "max", max, "calculable", true, "orient", "vertical", "right", 0, "top", "middle"));
        option.put("series", List.of(Map.of("name", "examples", "type", "heatmap", "data", cells, "label", Map.of("show", true))));
        return option;
    }

    private static List<List<String>> comparisonRows(List<EvaluationRow> comparisons) {
        List<List<String>> rows = new ArrayList<>();
        for (EvaluationRow c : comparisons) {
            for (String m : new java.util.TreeSet<>(c.metrics().keySet())) {
                Map<String, Double> s = c.statistics();
                rows.add(List.of(c.baseline().map(ModelRef::toString).orElse("?"), c.data().toString(), m, number(c.metrics().get(m)),
                        number(c.baselineMetrics().get(m)), number(s.get(m + "_delta")), "[" + number(s.get(m + "_delta_low")) + ", "
                                + number(s.get(m + "_delta_high")) + "] at " + number(1 - s.getOrDefault("alpha", 0.05)),
                        number(s.get("mcnemar_p")), c.verdict().orElse(""), c.runId()));
            }
        }
        return rows;
    }

    private static Map<String, Object> comparisonChart(EvaluationRow c) {
        List<String> metrics = new ArrayList<>(new java.util.TreeSet<>(c.metrics().keySet()));
        Map<String, Double> s = c.statistics();
        List<Object> boxes = metrics.stream().map(m -> (Object) List.of(s.get(m + "_delta_low"), s.get(m + "_delta_low"),
                s.get(m + "_delta"), s.get(m + "_delta_high"), s.get(m + "_delta_high"))).toList();
        Map<String, Object> option = base("Delta against " + c.baseline().map(ModelRef::toString).orElse("?")
                + " with its paired bootstrap interval");
        option.put("xAxis", Map.of("type", "category", "data", metrics));
        option.put("yAxis", Map.of("type", "value", "name", "delta"));
        option.put("series", List.of(Map.of("name", "delta and interval", "type", "boxplot", "data", boxes),
                Map.of("name", "delta", "type", "scatter", "data", metrics.stream().map(m -> (Object) s.get(m + "_delta")).toList())));
        return option;
    }

    private static Map<String, Object> historyChart(Registry registry, String name) {
        List<ModelVersion> versions = registry.versions(name);
        Set<String> metrics = new java.util.TreeSet<>();
        versions.forEach(v -> metrics.addAll(v.metrics().keySet()));
        metrics.remove("log_loss");
        Map<String, Object> option = base("Test metrics of every version (champion marked)");
        option.put("xAxis", Map.of("type", "category", "name", "version", "data", versions.stream().map(v -> (Object) ("v" + v.version()))
                .toList()));
        option.put("yAxis", Map.of("type", "value", "name", "metric", "scale", true));
        Optional<ModelVersion> champion = registry.holder(name, "champion");
        List<Object> series = new ArrayList<>();
        for (String m : metrics) {
            Map<String, Object> s = line(m, versions.stream().map(v -> (Object) v.metrics().getOrDefault(m, Double.NaN)).toList(), 0);
            champion.ifPresent(c -> s.put("markPoint", Map.of("data", List.of(Map.of("name", "champion", "coord",
                    List.of("v" + c.version(), c.metrics().getOrDefault(m, 0.0)), "value", "champion")))));
            series.add(s);
        }
        option.put("series", series);
        return option;
    }

    private static Map<String, Object> sliceChart(List<EvaluationRow> slices) {
        List<EvaluationRow> sorted = slices.stream().sorted(Comparator.comparing(EvaluationRow::slice)).toList();
        Map<String, Object> option = base("Accuracy per slice (examples in the tooltip)");
        option.put("xAxis", Map.of("type", "category", "data", sorted.stream().map(r -> (Object) r.slice()).toList(),
                "axisLabel", Map.of("rotate", 30)));
        option.put("yAxis", Map.of("type", "value", "name", "accuracy", "min", 0, "max", 1));
        option.put("series", List.of(Map.of("name", "accuracy", "type", "bar", "data", sorted.stream().map(r -> (Object) Map.of("value",
                r.metrics().getOrDefault("accuracy", 0.0), "name", r.slice() + " (" + r.examples() + " examples)")).toList())));
        return option;
    }

    /** Every audit event about {@code ref}, or in the training run, or in a run that acted on {@code ref}. */
    private List<AuditEvent> trail(KernelTables kernel, ModelRef ref, String trainingRun) {
        List<AuditEvent> all = new AuditReader(kernel, run.env().layout().keel(KeelTable.AUDIT)).all();
        Set<String> runs = new HashSet<>();
        runs.add(trainingRun);
        all.stream().filter(e -> e.subject().equals(ref.toString()) && !e.action().equals("access.denied")).forEach(e -> runs.add(e.runId()));
        return all.stream().filter(e -> e.subject().equals(ref.toString()) || runs.contains(e.runId())).toList();
    }

    private static List<EvaluationRow> latestRun(List<EvaluationRow> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        String last = rows.get(rows.size() - 1).runId();
        return rows.stream().filter(r -> r.runId().equals(last)).toList();
    }

    private static Map<String, Object> base(String title) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("title", Map.of("text", title, "textStyle", Map.of("fontSize", 13)));
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("legend", Map.of("top", 22));
        option.put("grid", Map.of("top", 70, "left", 60, "right", 80));
        return option;
    }

    private static Map<String, Object> line(String name, List<Object> data, int axis) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("type", "line");
        s.put("yAxisIndex", axis);
        s.put("data", data);
        return s;
    }

    private static String format(Map<String, Double> values) {
        return values.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String number(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "-";
    }

    private static String str(Object value) {
        return value == null ? "" : value.toString();
    }
}
