package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.compare.Comparison;
import dev.keel.compare.Evaluation;
import dev.keel.compare.EvaluationRow;
import dev.keel.compare.Evaluations;
import dev.keel.compare.ModelComparer;
import dev.keel.compare.SliceEvaluator;
import dev.keel.compare.SliceMetrics;
import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.run.RunContext;
import dev.keel.split.SplitReader;
import dev.keel.train.TrainedModel;
import dev.keel.train.TrainingData;

/**
 * {@code keel gate}: checks a model version against its release policy's gates (minimum
 * metrics, no regression from the champion, per-slice guards, the golden set, scoring latency) on
 * its own test split. Every gate is checked even after one fails, so that the report lists all of
 * them; the result is stored in {@code _keel/evaluations} (kind {@code gate}: a row per gate and
 * a row {@code all} with passed or failed, which promotion reads) and audited as {@code model.gated}.
 */
public final class GateCheck {
    static final String PASSED = "passed";
    static final String FAILED = "failed";
    private static final int LATENCY_WARMUPS = 3;
    private static final int LATENCY_RUNS = 15;

    private final RunContext run;

    public GateCheck(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    public GateReport check(String reference, ReleasePolicy policy) {
        Registry registry = new ModelCatalog(run.env().store().kernel(), run.env().layout()).read();
        ModelVersion v = registry.resolve(reference);
        if (!policy.model().equals(v.name())) {
            throw new UsageException("Release policy " + policy.file() + " is for model '" + policy.model() + "', not " + v.name()
                    + ": give that model's own policy");
        }
        if (!policy.gates().declared()) {
            throw new UsageException("Model " + v.name() + " has no gates to check: declare them under 'gates:' in "
                    + (policy.file().equals("none") ? "conf/release/" + v.name() + ".yaml (release.dir)" : policy.file()));
        }
        ReleasePolicy.Gates gates = policy.gates();
        TrainedModel trained = TrainedModel.load(run.env().spark().sparkContext().hadoopConfiguration(), v);
        SliceEvaluator evaluator = new SliceEvaluator(run);
        Evaluation evaluation = evaluator.evaluate(trained, v.test(), policy.slices(), policy.declared());
        evaluator.record(evaluation);

        List<GateResult> results = new ArrayList<>();
        if (!gates.minimum().isEmpty()) {
            results.add(atLeast("minimum", evaluation.overall().metrics(), gates.minimum(), "test"));
        }
        Optional<ModelRef> champion = Optional.empty();
        if (gates.champion().isPresent()) {
            ReleasePolicy.ChampionGuard guard = gates.champion().get();
            Optional<ModelVersion> holder = registry.holder(v.name(), guard.alias());
            champion = holder.filter(h -> h.version() != v.version()).map(ModelRef::of);
            results.add(holder.isEmpty()
                    ? new GateResult(guard.alias(), true, "no " + guard.alias() + " yet: nothing to regress from", Map.of(), Map.of())
                    : holder.get().version() == v.version()
                            ? new GateResult(guard.alias(), true, "is the " + guard.alias() + " itself", Map.of(), Map.of())
                            : againstChampion(v, holder.get(), guard));
        }
        gates.slices().ifPresent(guard -> results.addAll(slices(evaluation, guard)));
        gates.golden().ifPresent(golden -> results.add(golden(trained, golden)));
        gates.latency().ifPresent(latency -> results.add(latency(trained, latency)));

        GateReport report = new GateReport(ModelRef.of(v), v.test(), champion, results, policy.file(), policy.sha256());
        record(report);
        return report;
    }

    private GateResult againstChampion(ModelVersion candidate, ModelVersion champion, ReleasePolicy.ChampionGuard guard) {
        Comparison c = new ModelComparer(run).compareOn(candidate, champion, candidate.test(), guard.alpha(),
                ModelComparer.DEFAULT_RESAMPLES);
        List<String> problems = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        Map<String, Double> measured = new LinkedHashMap<>();
        Map<String, Double> thresholds = new LinkedHashMap<>();
        guard.maxDrop().forEach((metric, drop) -> {
            double delta = c.deltas().get(metric);
            measured.put(metric + "_delta", delta);
            thresholds.put(metric + "_max_drop", drop);
            numbers.add(String.format(Locale.ROOT, "%s %.4f vs %.4f (delta %+.4f, allowed -%.4f)", metric, c.candidateMetrics().get(metric),
                    c.baselineMetrics().get(metric), delta, drop));
            if (delta < -drop - 1e-12) {
                problems.add(metric + " dropped " + String.format(Locale.ROOT, "%.4f", -delta));
            }
        });
        measured.put("mcnemar_p", c.mcNemarP());
        thresholds.put("alpha", guard.alpha());
        numbers.add(String.format(Locale.ROOT, "McNemar p = %.4g, %s", c.mcNemarP(), c.verdict().text()));
        if (guard.notSignificantlyWorse() && c.verdict() == Comparison.Verdict.WORSE) {
            problems.add("significantly worse than " + ModelRef.of(champion) + " at alpha " + guard.alpha());
        }
        String detail = "against " + guard.alias() + " " + ModelRef.of(champion) + " on " + candidate.test() + ": "
                + String.join("; ", numbers) + (problems.isEmpty() ? "" : " -> " + String.join(", ", problems));
        return new GateResult(guard.alias(), problems.isEmpty(), detail, measured, thresholds);
    }

    private static List<GateResult> slices(Evaluation e, ReleasePolicy.SliceGuard guard) {
        List<GateResult> results = new ArrayList<>();
        int skipped = 0;
        for (SliceMetrics s : e.slices().subList(1, e.slices().size())) {
            if (s.examples() < guard.minExamples()) {
                skipped++;
                continue;
            }
            GateResult r = atLeast("slice " + s.slice(), s.metrics(), guard.minimum(), s.examples() + " examples");
            if (!r.passed()) {
                results.add(r);
            }
        }
        long checked = e.slices().size() - 1 - skipped;
        if (results.isEmpty()) {
            results.add(new GateResult("slices", true, checked + " slice(s) at or above " + describe(guard.minimum())
                    + (skipped > 0 ? "; " + skipped + " with fewer than " + guard.minExamples() + " examples not gated" : ""),
                    Map.of("slices", (double) checked), guard.minimum()));
        }
        return results;
    }

    private static GateResult atLeast(String gate, Map<String, Double> measured, Map<String, Double> minimum, String on) {
        List<String> below = new ArrayList<>();
        minimum.forEach((metric, min) -> {
            Double value = measured.get(metric);
            if (value == null || value < min - 1e-12) {
                below.add(String.format(Locale.ROOT, "%s %.4f < %.4f", metric, value == null ? Double.NaN : value, min));
            }
        });
        Map<String, Double> kept = new LinkedHashMap<>();
        minimum.keySet().forEach(m -> {
            if (measured.containsKey(m)) {
                kept.put(m, measured.get(m));
            }
        });
        String detail = below.isEmpty() ? describe(kept) + " (" + on + ") at or above " + describe(minimum)
                : String.join(", ", below) + " (" + on + ")";
        return new GateResult(gate, below.isEmpty(), detail, kept, minimum);
    }

    private static String describe(Map<String, Double> metrics) {
        return String.join(", ", metrics.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(m -> String.format(Locale.ROOT, "%s %.4f", m.getKey(), m.getValue())).toList());
    }

    private static GateResult golden(TrainedModel model, ReleasePolicy.Golden golden) {
        List<String> lines;
        try {
            lines = Files.readAllLines(golden.file(), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UsageException("Cannot read golden set " + golden.file() + " (" + e.getClass().getSimpleName()
                    + "): check gates.golden.file");
        }
        if (lines.size() < 2) {
            throw new UsageException("Golden set " + golden.file() + " has no rows: give a header and at least one input");
        }
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::trim).toList();
        List<String> features = model.spec().features();
        int[] columns = new int[features.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = header.indexOf(features.get(i));
            if (columns[i] < 0) {
                throw new UsageException("Golden set " + golden.file() + " has no column '" + features.get(i) + "' that model "
                        + model.spec().name() + " reads: add it to the header");
            }
        }
        int label = header.indexOf(model.spec().label());
        if (label < 0) {
            throw new UsageException("Golden set " + golden.file() + " has no expected-output column '" + model.spec().label()
                    + "': add it to the header");
        }
        double[][] x = new double[lines.size() - 1][columns.length];
        int[] expected = new int[x.length];
        for (int r = 0; r < x.length; r++) {
            String[] cells = lines.get(r + 1).split(",", -1);
            try {
                for (int i = 0; i < columns.length; i++) {
                    x[r][i] = Double.parseDouble(cells[columns[i]].trim());
                }
                expected[r] = Integer.parseInt(cells[label].trim());
            } catch (RuntimeException e) {
                throw new UsageException("Golden set " + golden.file() + " line " + (r + 2) + " is not numeric in every column the "
                        + "model reads (" + e.getMessage() + "): fix that line");
            }
        }
        int[] predicted = model.classify(Nd4j.create(x));
        List<Integer> wrong = new ArrayList<>();
        for (int r = 0; r < expected.length; r++) {
            if (predicted[r] != expected[r]) {
                wrong.add(r + 2);
            }
        }
        double agreement = 1.0 - (double) wrong.size() / expected.length;
        boolean passed = agreement >= golden.minAgreement() - 1e-12;
        String detail = String.format(Locale.ROOT, "%d of %d golden inputs as expected (%.4f, need %.4f)", expected.length - wrong.size(),
                expected.length, agreement, golden.minAgreement())
                + (wrong.isEmpty() ? "" : "; wrong on line(s) " + wrong.stream().limit(10).map(String::valueOf).toList()
                        .toString().replaceAll("[\\[\\]]", "") + " of " + golden.file().getFileName());
        return new GateResult("golden", passed, detail, Map.of("agreement", agreement), Map.of("min_agreement", golden.minAgreement()));
    }

    private GateResult latency(TrainedModel model, ReleasePolicy.Latency latency) {
        INDArray batch;
        try (TrainingData rows = new TrainingData(new SplitReader(run.env().store(), run.env().layout()), model.version().test(),
                model.spec())) {
            INDArray sample = rows.batches(latency.batchSize()).next().getFeatures();
            int[] repeat = new int[sample.rows() >= latency.batchSize() ? 0 : latency.batchSize()];
            for (int i = 0; i < repeat.length; i++) {
                repeat[i] = i % (int) sample.rows();
            }
            batch = repeat.length == 0 ? sample : sample.getRows(repeat);
        }
        for (int i = 0; i < LATENCY_WARMUPS; i++) {
            model.classify(batch);
        }
        double[] millis = new double[LATENCY_RUNS];
        for (int i = 0; i < LATENCY_RUNS; i++) {
            long start = System.nanoTime();
            model.classify(batch);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        double median = millis[LATENCY_RUNS / 2];
        boolean passed = median <= latency.maxMillis();
        return new GateResult("latency", passed, String.format(Locale.ROOT,
                "median %.2f ms per batch of %d over %d runs (max %.2f ms)", median, latency.batchSize(), LATENCY_RUNS,
                latency.maxMillis()), Map.of("median_ms", median, "batch_size", (double) latency.batchSize()),
                Map.of("max_ms", latency.maxMillis()));
    }

    private void record(GateReport report) {
        List<EvaluationRow> rows = new ArrayList<>();
        java.time.Instant now = run.env().clock().instant();
        for (GateResult r : report.results()) {
            rows.add(new EvaluationRow("gate", report.model(), report.champion(), report.data(), "gate:" + r.gate(), 0, r.measured(),
                    r.thresholds(), Map.of(), Optional.of(r.passed() ? PASSED : FAILED), run.id().value(), now));
        }
        rows.add(new EvaluationRow("gate", report.model(), report.champion(), report.data(), "all", 0,
                Map.of("failed", (double) report.failed().size(), "gates", (double) report.results().size()), Map.of(), Map.of(),
                Optional.of(report.passed() ? PASSED : FAILED), run.id().value(), now));
        new Evaluations(run.env().store(), run.env().layout()).append(rows);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("verdict", report.passed() ? PASSED : FAILED);
        details.put("data", report.data().toString());
        report.champion().ifPresent(c -> details.put("champion", c.toString()));
        details.put("failed", report.failed().stream().map(r -> r.gate() + ": " + r.detail()).toList());
        details.put("gates", report.results().size());
        details.put("release_policy", report.policy());
        details.put("release_policy_sha256", report.policySha256());
        run.audit("model.gated", report.model().toString(), details);
    }
}
