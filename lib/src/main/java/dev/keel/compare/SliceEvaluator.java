package dev.keel.compare;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;

import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.run.RunContext;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRef;
import dev.keel.train.TrainedModel;
import dev.keel.train.TrainingData;

/**
 * {@code keel evaluate}: a model version's metrics on a split version, overall and per declared
 * slice (a slice per value of a column, or a named Spark SQL condition), stored in
 * {@code _keel/evaluations} (kind {@code evaluation}, one row per slice) and audited.
 */
public final class SliceEvaluator {
    private final RunContext run;

    public SliceEvaluator(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * Evaluates {@code model} on {@code data} (its own test split when empty) with {@code slices},
     * and records the result.
     *
     * @param policy names the file that declared the slices and its SHA-256, for errors and the record
     */
    public Evaluation evaluate(ModelVersion model, Optional<SplitRef> data, List<Slice> slices, Declared policy) {
        SplitRef on = data.orElse(model.test());
        TrainedModel trained = TrainedModel.load(run.env().spark().sparkContext().hadoopConfiguration(), model);
        Evaluation evaluation = evaluate(trained, on, slices, policy);
        record(evaluation);
        return evaluation;
    }

    /** Evaluates without recording: the predictions and slice metrics of {@code trained} on {@code on}. */
    public Evaluation evaluate(TrainedModel trained, SplitRef on, List<Slice> slices, Declared policy) {
        ModelRef ref = ModelRef.of(trained.version());
        run.addInput(new TableVersion(on.table(), on.version()));
        List<Column> carried = new ArrayList<>();
        for (Slice s : slices) {
            carried.add(s.column().map(c -> col(c)).orElseGet(() -> expr(s.where().orElseThrow())).as("slice_" + carried.size()));
        }
        try (RunContext.Step step = run.step("evaluating " + ref + " on " + on);
                TrainingData rows = rows(on, trained, carried, policy)) {
            TrainedModel.Predictions p = trained.classify(rows);
            String[][] values = rows.carried();
            PairedPredictions metrics = new PairedPredictions(p.actual(), p.predicted(), p.predicted(), trained.spec().classes());
            List<SliceMetrics> results = new ArrayList<>();
            results.add(metrics("all", metrics, metrics.all()));
            for (int s = 0; s < slices.size(); s++) {
                Slice slice = slices.get(s);
                Map<String, List<Integer>> members = new TreeMap<>();
                for (int i = 0; i < values[s].length; i++) {
                    String v = values[s][i];
                    if (slice.column().isPresent()) {
                        members.computeIfAbsent(slice.name() + "=" + (v == null ? "null" : v), k -> new ArrayList<>()).add(i);
                    } else if ("true".equals(v)) {
                        members.computeIfAbsent(slice.name(), k -> new ArrayList<>()).add(i);
                    }
                }
                if (slice.where().isPresent() && members.isEmpty()) {
                    results.add(new SliceMetrics(slice.name(), 0, Map.of()));
                }
                members.forEach((name, idx) -> results.add(metrics(name, metrics, idx.stream().mapToInt(Integer::intValue).toArray())));
            }
            return new Evaluation(ref, on, results, policy.sha256());
        }
    }

    /** The split's rows with the slice expressions carried; a slice naming no column of the split is a usage error. */
    private TrainingData rows(SplitRef on, TrainedModel trained, List<Column> carried, Declared policy) {
        try {
            return new TrainingData(new SplitReader(run.env().store(), run.env().layout()), on, trained.spec(), carried);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof AnalysisException analysis) {
                throw new UsageException("Cannot slice " + on + " as release policy " + policy.file() + " declares: "
                        + analysis.getSimpleMessage().lines().findFirst().orElse("") + "; fix the slice's column or where condition");
            }
            throw new IllegalStateException("Cannot read " + on + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file that declared an evaluation's slices (and gates).
     *
     * @param file its path, or {@code none}
     * @param sha256 SHA-256 of its bytes, or {@code none}
     */
    public record Declared(String file, String sha256) {
    }

    /** Stores {@code e} in {@code _keel/evaluations}, one row per slice, and audits it. */
    public void record(Evaluation e) {
        List<EvaluationRow> rows = e.slices().stream().map(s -> new EvaluationRow("evaluation", e.model(), Optional.empty(), e.data(),
                s.slice(), s.examples(), s.metrics(), Map.of(), Map.of(), Optional.empty(), run.id().value(),
                run.env().clock().instant())).toList();
        new Evaluations(run.env().store(), run.env().layout()).append(rows);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("data", e.data().toString());
        details.put("metrics", e.overall().metrics());
        details.put("slices", e.slices().size() - 1);
        details.put("release_policy_sha256", e.policySha256());
        run.audit("model.evaluated", e.model().toString(), details);
    }

    private static SliceMetrics metrics(String name, PairedPredictions p, int[] indices) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", p.accuracy(p.candidate(), indices));
        m.put("macro_f1", p.macroF1(p.candidate(), indices));
        return new SliceMetrics(name, indices.length, m);
    }
}
