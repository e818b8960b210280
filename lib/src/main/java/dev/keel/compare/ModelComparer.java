package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.hadoop.conf.Configuration;

import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.Registry;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.run.RunContext;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRef;
import dev.keel.train.TrainedModel;
import dev.keel.train.TrainingData;

/**
 * {@code keel compare}: a candidate against a baseline on the test split both were tested on (the
 * same table version; anything else is refused). Both models classify every test example, read
 * through its SplitRef (once when both read the same feature columns); the paired predictions give the metric deltas, McNemar's exact test and
 * paired bootstrap intervals of the deltas; the verdict is better or worse when McNemar's p is
 * below alpha, else no significant difference. Stored in {@code _keel/evaluations} and audited as
 * {@code model.compared}.
 */
public final class ModelComparer {
    /** Bootstrap samples unless told otherwise. */
    public static final int DEFAULT_RESAMPLES = 1000;
    private static final long BOOTSTRAP_SEED = 42;

    private final RunContext run;

    public ModelComparer(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * Compares {@code candidate} with {@code baseline} (references as {@code keel models show} takes them).
     *
     * @param alpha the significance level, e.g. 0.05
     * @param resamples bootstrap samples
     */
    public Comparison compare(String candidate, String baseline, double alpha, int resamples) {
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new UsageException("Invalid --alpha " + alpha + ": give a significance level above 0 and below 0.5, e.g. 0.05");
        }
        if (resamples < 100) {
            throw new UsageException("Invalid --resamples " + resamples + ": give at least 100 bootstrap samples (default "
                    + DEFAULT_RESAMPLES + ")");
        }
        Registry catalog = new ModelCatalog(run.env().store().kernel(), run.env().layout()).read();
        ModelVersion c = catalog.resolve(candidate);
        ModelVersion b = catalog.resolve(baseline);
        if (c.name().equals(b.name()) && c.version() == b.version()) {
            throw new UsageException("Cannot compare " + ModelRef.of(c) + " with itself: name a different baseline");
        }
        if (!c.test().equals(b.test())) {
            throw new UsageException("Cannot compare " + ModelRef.of(c) + " with " + ModelRef.of(b) + ": they were tested on different "
                    + "data (" + c.test() + " and " + b.test() + "); a fair comparison needs one test split version, so train or "
                    + "evaluate both on the same split version");
        }
        return compareOn(c, b, c.test(), alpha, resamples);
    }

    /**
     * Compares two versions on {@code test}, whichever split each was tested on: what a gate does to
     * hold a new candidate against a champion tested on an older split version.
     */
    public Comparison compareOn(ModelVersion c, ModelVersion b, SplitRef test, double alpha, int resamples) {
        Configuration hadoop = run.env().spark().sparkContext().hadoopConfiguration();
        TrainedModel candidateModel = TrainedModel.load(hadoop, c);
        TrainedModel baselineModel = TrainedModel.load(hadoop, b);
        if (candidateModel.spec().classes() != baselineModel.spec().classes()
                || !candidateModel.spec().label().equals(baselineModel.spec().label())) {
            throw new UsageException("Cannot compare " + ModelRef.of(c) + " with " + ModelRef.of(b) + ": they predict different labels ("
                    + candidateModel.spec().label() + " with " + candidateModel.spec().classes() + " classes, "
                    + baselineModel.spec().label() + " with " + baselineModel.spec().classes() + ")");
        }
        run.addInput(new TableVersion(test.table(), test.version()));
        SplitReader reader = new SplitReader(run.env().store(), run.env().layout());
        PairedPredictions paired;
        try (RunContext.Step step = run.step("classifying " + test + " with " + ModelRef.of(c) + " and " + ModelRef.of(b))) {
            TrainedModel.Predictions byCandidate;
            TrainedModel.Predictions byBaseline;
            boolean sameColumns = candidateModel.spec().features().equals(baselineModel.spec().features());
            try (TrainingData data = new TrainingData(reader, test, candidateModel.spec())) {
                byCandidate = candidateModel.classify(data);
                byBaseline = sameColumns ? baselineModel.classify(data) : classifyOnItsOwnColumns(reader, test, baselineModel);
            }
            if (!Arrays.equals(byCandidate.actual(), byBaseline.actual())) {
                throw new IllegalStateException("The test split " + test + " was read in two different orders; cannot pair predictions");
            }
            paired = new PairedPredictions(byCandidate.actual(), byBaseline.predicted(), byCandidate.predicted(),
                    candidateModel.spec().classes());
        }
        Comparison comparison = compare(ModelRef.of(c), ModelRef.of(b), test, paired, alpha, resamples);
        new Evaluations(run.env().store(), run.env().layout()).record(comparison, run.id().value(),
                run.env().clock().instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("baseline", comparison.baseline().toString());
        details.put("test", test.toString());
        details.put("deltas", comparison.deltas());
        details.put("mcnemar_p", comparison.mcNemarP());
        details.put("verdict", comparison.verdict().text());
        run.audit("model.compared", comparison.candidate().toString(), details);
        return comparison;
    }

    private static TrainedModel.Predictions classifyOnItsOwnColumns(SplitReader reader, SplitRef test, TrainedModel model) {
        try (TrainingData data = new TrainingData(reader, test, model.spec())) {
            return model.classify(data);
        }
    }

    /** The statistics of paired predictions: deltas, intervals, McNemar's test and the verdict. */
    static Comparison compare(ModelRef candidate, ModelRef baseline, SplitRef test, PairedPredictions p, double alpha, int resamples) {
        Map<String, BiFunction<int[], int[], Double>> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", p::accuracy);
        metrics.put("macro_f1", p::macroF1);
        Map<String, Double> candidateMetrics = new LinkedHashMap<>();
        Map<String, Double> baselineMetrics = new LinkedHashMap<>();
        Map<String, Double> deltas = new LinkedHashMap<>();
        Map<String, PairedStatistics.Interval> intervals = new LinkedHashMap<>();
        int[] all = p.all();
        metrics.forEach((name, metric) -> {
            double ofCandidate = metric.apply(p.candidate(), all);
            double ofBaseline = metric.apply(p.baseline(), all);
            candidateMetrics.put(name, ofCandidate);
            baselineMetrics.put(name, ofBaseline);
            deltas.put(name, ofCandidate - ofBaseline);
            intervals.put(name, PairedStatistics.bootstrap(p.size(), resamples, BOOTSTRAP_SEED, 1 - alpha,
                    idx -> metric.apply(p.candidate(), idx) - metric.apply(p.baseline(), idx)));
        });
        long onlyBaseline = p.onlyBaselineRight();
        long onlyCandidate = p.onlyCandidateRight();
        double pValue = PairedStatistics.mcNemarExact(onlyBaseline, onlyCandidate);
        Comparison.Verdict verdict = pValue >= alpha ? Comparison.Verdict.NO_SIGNIFICANT_DIFFERENCE
                : onlyCandidate > onlyBaseline ? Comparison.Verdict.BETTER : Comparison.Verdict.WORSE;
        return new Comparison(candidate, baseline, test, p.size(), candidateMetrics, baselineMetrics, deltas, intervals, onlyBaseline,
                onlyCandidate, pValue, alpha, verdict);
    }
}
