package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.keel.compare.EvaluationRow;
import dev.keel.compare.Evaluations;
import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lineage.LineageReader;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.run.RunContext;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;

/**
 * {@code keel reproduce}: trains a registered version again from its registry row (the spec it
 * was trained from, the same split version, seed and workers) without registering the result,
 * and checks it: one worker on the CPU must give a bit-identical model zip; parameter averaging
 * (whose executors interleave nondeterministically) must land within {@link #TOLERANCE} of every
 * registered test metric. Recorded in {@code _keel/evaluations} (kind {@code reproduction}) and audited.
 */
public final class Reproduction {
    /** Half a percentage point. */
    public static final double TOLERANCE = 0.005;
    private static final List<String> COMPARED = List.of("accuracy", "macro_f1");

    private final RunContext run;

    public Reproduction(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * The outcome.
     *
     * @param model the version reproduced
     * @param bitIdentical whether the new zip has the registered SHA-256
     * @param registeredSha256 the registered SHA-256
     * @param reproducedSha256 the new one
     * @param registered the registered test metrics
     * @param reproduced the new test metrics
     * @param rule what had to hold
     * @param reproducedOk whether it held
     */
    public record Result(ModelRef model, boolean bitIdentical, String registeredSha256, String reproducedSha256,
            Map<String, Double> registered, Map<String, Double> reproduced, String rule, boolean reproducedOk) {
    }

    public Result reproduce(String reference) {
        Registry registry = new ModelCatalog(run.env().store().kernel(), run.env().layout()).read();
        ModelVersion v = registry.resolve(reference);
        ModelRef ref = ModelRef.of(v);
        String specText = new LineageReader(run.env().store().kernel(), run.env().layout(),
                run.env().spark().sparkContext().hadoopConfiguration()).specText(v);
        ModelSpec spec = ModelSpecParser.parse(v.specFile(), specText);
        if (!spec.sha256().equals(v.specSha256())) {
            throw new UsageException("Cannot reproduce " + ref + ": the spec kept in " + v.artifact() + " has SHA-256 " + spec.sha256()
                    + " but the version was trained from " + v.specSha256() + "; restore the model directory");
        }
        String dataset = v.train().table().replaceAll(".*/", "");
        int frequency = Integer.parseInt(v.hyperParameters().getOrDefault("averaging_frequency",
                Integer.toString(TrainRequest.DEFAULT_AVERAGING_FREQUENCY)));
        TrainRequest request = new TrainRequest(spec, dataset, v.train().version(), v.workers(), frequency, Optional.empty());
        TrainJob.Retrained again = new TrainJob(run).retrain(request);
        if (!again.test().equals(v.test())) {
            throw new UsageException("Cannot reproduce " + ref + ": it was tested on " + v.test() + " but split " + dataset + "@"
                    + v.train().version() + " now gives " + again.test());
        }
        boolean identical = again.modelSha256().equals(v.modelSha256());
        boolean oneCpuWorker = v.workers() == 1 && v.backend().equals("CpuBackend");
        boolean ok;
        String rule;
        if (oneCpuWorker) {
            ok = identical;
            rule = "one CPU worker: bit-identical model zip";
        } else {
            ok = COMPARED.stream().allMatch(m -> v.metrics().containsKey(m) && again.metrics().values().containsKey(m)
                    && Math.abs(v.metrics().get(m) - again.metrics().values().get(m)) <= TOLERANCE + 1e-12);
            rule = v.workers() + " worker(s) on " + v.backend() + ": " + String.join(" and ", COMPARED) + " within " + TOLERANCE;
        }
        Result result = new Result(ref, identical, v.modelSha256(), again.modelSha256(), v.metrics(), again.metrics().values(), rule, ok);
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("bit_identical", identical ? 1.0 : 0.0);
        COMPARED.stream().filter(m -> v.metrics().containsKey(m) && again.metrics().values().containsKey(m))
                .forEach(m -> statistics.put(m + "_delta", again.metrics().values().get(m) - v.metrics().get(m)));
        new Evaluations(run.env().store(), run.env().layout()).append(List.of(new EvaluationRow(
                "reproduction", ref, Optional.empty(), v.test(), "all", 0, again.metrics().values(), v.metrics(), statistics,
                Optional.of(ok ? "reproduced" : "not reproduced"), run.id().value(), run.env().clock().instant())));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("verdict", ok ? "reproduced" : "not reproduced");
        details.put("rule", rule);
        details.put("registered_sha256", v.modelSha256());
        details.put("reproduced_sha256", again.modelSha256());
        details.put("metrics", again.metrics().values());
        run.audit("model.reproduced", ref.toString(), details);
        return result;
    }
}
