package dev.keel.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.compare.Comparison;
import dev.keel.compare.Evaluation;
import dev.keel.compare.ModelComparer;
import dev.keel.compare.SliceEvaluator;
import dev.keel.config.Locations;
import dev.keel.error.ExitCode;
import dev.keel.error.IntegrityException;
import dev.keel.error.KeelException;
import dev.keel.history.DriftAnalysis;
import dev.keel.history.DriftReport;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.ModelVersions;
import dev.keel.registry.Registry;
import dev.keel.release.GateCheck;
import dev.keel.release.GateReport;
import dev.keel.release.GateResult;
import dev.keel.release.Promotion;
import dev.keel.release.ReleasePolicy;
import dev.keel.report.ModelCard;
import dev.keel.run.RunContext;
import dev.keel.slurm.JobStatus;
import dev.keel.slurm.SlurmClient;
import dev.keel.slurm.TrainSubmission;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRequest;
import dev.keel.split.SplitResult;
import dev.keel.train.ModelMetrics;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;
import dev.keel.train.TrainResult;

/**
 * {@code keel pipeline}: one night of a pipeline. Ingest the new files, gate their quality, split
 * when the data version changed, train (here or as a Slurm job) when there is new data (or, per
 * config, only when a feature drifted), evaluate, compare with the champion, check the release
 * gates, promote, and write the model card. Every step that does work is a keel run of its own;
 * each step's outcome goes to {@code _keel/pipeline_runs}, and a run after a failed one continues
 * the same attempt from the failed step, reusing what the steps before it produced.
 */
public final class Pipeline {
    /** Runs work as a recorded keel run that the access policy allows ({@code Cli.run}). */
    @FunctionalInterface
    public interface Runner {
        <T> T run(String kind, Access access, Function<RunContext, T> work);
    }

    /**
     * What the night did.
     *
     * @param run this pipeline run
     * @param attempt the attempt this run belonged to
     * @param resumed whether it continued an attempt that had failed
     * @param steps every step's outcome in the attempt, in order
     * @param exitCode 0, or 4 when the candidate was rejected by its gates
     */
    public record Result(String run, String attempt, boolean resumed, List<StepOutcome> steps, int exitCode) {
    }

    private final PipelineConfig config;
    private final Runner runner;
    private final Function<String, ReleasePolicy> policies;
    private final Supplier<SlurmClient> slurm;
    private final Path keelHome;
    private final Map<String, String> environment;

    /**
     * @param policies the release policy of a model, by name
     * @param slurm the Slurm client, asked for only when the config trains on Slurm
     * @param keelHome the keel installation (Slurm jobs run from it)
     * @param environment this process's environment, whose keel settings a Slurm job gets (secrets left out)
     */
    public Pipeline(PipelineConfig config, Runner runner, Function<String, ReleasePolicy> policies, Supplier<SlurmClient> slurm,
            Path keelHome, Map<String, String> environment) {
        this.config = requireNonNull(config, "config");
        this.runner = requireNonNull(runner, "runner");
        this.policies = requireNonNull(policies, "policies");
        this.slurm = requireNonNull(slurm, "slurm");
        this.keelHome = requireNonNull(keelHome, "keelHome");
        this.environment = Map.copyOf(environment);
    }

    /** Runs the night inside {@code pipeline}, the pipeline's own run. */
    public Result run(RunContext pipeline) {
        LakeLayout layout = pipeline.env().layout();
        String statePath = layout.keel(KeelTable.PIPELINE_RUNS);
        Optional<Map<Step, StepOutcome>> unfinished = new PipelineState(pipeline.env().store().kernel(), statePath).unfinished(config.name());
        Map<Step, StepOutcome> before = unfinished.orElse(Map.of());
        String attempt = unfinished.map(m -> m.values().iterator().next().attempt()).orElse(pipeline.id().value());
        unfinished.ifPresent(m -> pipeline.env().progress().info("continuing attempt " + attempt + " of pipeline " + config.name()
                + " from its failed step"));
        Map<String, String> facts = new LinkedHashMap<>();
        List<StepOutcome> steps = new ArrayList<>();
        for (Step step : Step.values()) {
            StepOutcome earlier = before.get(step);
            if (earlier != null && earlier.done()) {
                pipeline.env().progress().info(step.label() + ": " + earlier.status().name().toLowerCase(Locale.ROOT) + " earlier in run "
                        + earlier.runId().orElse(earlier.pipelineRun()) + ", not redone");
                facts.putAll(earlier.outputs());
                steps.add(earlier);
                continue;
            }
            StepOutcome outcome;
            try {
                outcome = execute(step, facts, pipeline, attempt);
            } catch (RuntimeException e) {
                StepOutcome failed = new StepOutcome(config.name(), attempt, pipeline.id().value(), step, StepOutcome.Status.FAILED,
                        Optional.empty(), Map.of(), String.valueOf(e.getMessage()), pipeline.env().clock().instant());
                PipelineState.record(pipeline.env().store(), statePath, failed);
                pipeline.audit("pipeline.step.failed", config.name(), Map.of("attempt", attempt, "step", step.label(), "error",
                        String.valueOf(e.getMessage())));
                throw e;
            }
            PipelineState.record(pipeline.env().store(), statePath, outcome);
            pipeline.env().progress().info(step.label() + ": " + outcome.message());
            facts.putAll(outcome.outputs());
            steps.add(outcome);
        }
        boolean rejected = "false".equals(facts.get("gates_passed"));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("attempt", attempt);
        details.put("resumed", unfinished.isPresent());
        details.put("steps", steps.stream().map(s -> s.step().label() + "=" + s.status()).toList());
        Optional.ofNullable(facts.get("model")).ifPresent(m -> details.put("model", m));
        Optional.ofNullable(facts.get("promoted")).ifPresent(p -> details.put("promoted", p));
        details.put("rejected", rejected);
        pipeline.audit("pipeline.completed", config.name(), details);
        return new Result(pipeline.id().value(), attempt, unfinished.isPresent(), steps, rejected ? ExitCode.MODEL_GATE.code() : 0);
    }

    private StepOutcome execute(Step step, Map<String, String> facts, RunContext pipeline, String attempt) {
        return switch (step) {
            case INGEST -> ingest(pipeline, attempt);
            case QUALITY -> quality(facts, pipeline, attempt);
            case SPLIT -> split(facts, pipeline, attempt);
            case TRAIN -> train(facts, pipeline, attempt);
            default -> facts.containsKey("model") && "true".equals(facts.get("trained")) ? release(step, facts, pipeline, attempt)
                    : outcome(pipeline, attempt, step, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of(),
                            "skipped: " + facts.getOrDefault("train_skipped", "no model was trained"));
        };
    }

    private StepOutcome ingest(RunContext pipeline, String attempt) {
        Contract contract = ContractParser.parse(config.contract());
        Ran<IngestResult> ran = step("ingest", Access.to(contract.dataset(), Permissions.DATA_INGEST),
                run -> new IngestJob(run).ingest(new IngestRequest(contract, config.sources(), IngestMode.APPEND)));
        IngestResult r = ran.value();
        long version = r.version().map(TableVersion::version).orElseGet(() -> pipeline.env().store()
                .latest(pipeline.env().layout().dataset(contract.dataset())).map(TableVersion::version).orElseThrow(() ->
                        new IntegrityException("Pipeline " + config.name() + ": " + String.join(", ", config.sources()) + " held no files "
                                + "and dataset " + contract.dataset() + " has no version yet: land files there (ingest.source)")));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("dataset", contract.dataset());
        out.put("dataset_version", Long.toString(version));
        out.put("new_data", Boolean.toString(!r.unchanged()));
        out.put("rows_read", Long.toString(r.rowsRead()));
        out.put("rows_quarantined", Long.toString(r.rowsQuarantined()));
        out.put("rows_conserved", Boolean.toString(r.conserved()));
        return outcome(pipeline, attempt, Step.INGEST, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()), out, r.unchanged()
                ? "no new files; " + contract.dataset() + " stays at version " + version
                : r.filesRead() + " new file(s), " + r.rowsClean() + " clean row(s), " + r.rowsQuarantined() + " quarantined: "
                        + contract.dataset() + " version " + version);
    }

    private StepOutcome quality(Map<String, String> facts, RunContext pipeline, String attempt) {
        if (!Boolean.parseBoolean(facts.get("new_data"))) {
            return outcome(pipeline, attempt, Step.QUALITY, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of(), "skipped: no new data");
        }
        long read = Long.parseLong(facts.get("rows_read"));
        long quarantined = Long.parseLong(facts.get("rows_quarantined"));
        double share = read == 0 ? 0 : (double) quarantined / read;
        String dataset = facts.get("dataset") + "@" + facts.get("dataset_version");
        Ran<String> ran = step("quality", Access.to(facts.get("dataset"), Permissions.DATA_INGEST), run -> {
            if (!Boolean.parseBoolean(facts.get("rows_conserved"))) {
                throw new IntegrityException("Quality gate of pipeline " + config.name() + ": the ingest of " + dataset + " lost rows (read "
                        + "is not clean + quarantined + duplicates): see keel data history " + facts.get("dataset"));
            }
            if (share > config.maxQuarantined()) {
                throw new IntegrityException(String.format(Locale.ROOT, "Quality gate of pipeline %s: %d of %d new rows of %s (%.1f%%) were "
                        + "quarantined, more than quality.max_quarantined = %.1f%%: see keel data quarantine %s, fix the source, or raise "
                        + "the limit in %s", config.name(), quarantined, read, dataset, 100 * share, 100 * config.maxQuarantined(),
                        facts.get("dataset"), config.file()));
            }
            run.audit("data.quality.passed", dataset, Map.of("quarantined_share", share, "limit", config.maxQuarantined()));
            return dataset;
        });
        return outcome(pipeline, attempt, Step.QUALITY, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()),
                Map.of("quarantined_share", Double.toString(share)), String.format(Locale.ROOT, "%.1f%% of the new rows quarantined "
                        + "(limit %.1f%%)", 100 * share, 100 * config.maxQuarantined()));
    }

    private StepOutcome split(Map<String, String> facts, RunContext pipeline, String attempt) {
        String dataset = facts.get("dataset");
        long version = Long.parseLong(facts.get("dataset_version"));
        List<SplitManifest> manifests = new SplitReader(pipeline.env().store(), pipeline.env().layout()).manifests(dataset);
        Optional<SplitManifest> current = manifests.isEmpty() ? Optional.empty() : Optional.of(manifests.get(manifests.size() - 1))
                .filter(m -> m.source().version() == version && m.spec().seed() == config.seed()
                        && m.spec().fractions().equals(config.fractions()));
        if (current.isPresent()) {
            return outcome(pipeline, attempt, Step.SPLIT, StepOutcome.Status.SKIPPED, Optional.empty(),
                    Map.of("split_version", Long.toString(current.get().table().version())), "skipped: split " + dataset + "@"
                            + current.get().table().version() + " already splits " + dataset + " version " + version);
        }
        Ran<SplitResult> ran = step("split", Access.to(dataset, Permissions.DATA_SPLIT), run -> new SplitJob(run).split(new SplitRequest(
                dataset, Optional.of(version), config.fractions(), config.seed(), List.of(), Optional.empty(), config.stratify())));
        SplitManifest m = ran.value().manifest();
        return outcome(pipeline, attempt, Step.SPLIT, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()),
                Map.of("split_version", Long.toString(m.table().version())), "split " + dataset + "@" + m.table().version() + " of "
                        + dataset + " version " + version + " " + m.statistics().rows());
    }

    private StepOutcome train(Map<String, String> facts, RunContext pipeline, String attempt) {
        String dataset = facts.get("dataset");
        long splitVersion = Long.parseLong(facts.get("split_version"));
        ModelSpec spec = ModelSpecParser.parse(config.spec());
        SplitManifest split = new SplitReader(pipeline.env().store(), pipeline.env().layout()).manifest(dataset, Optional.of(splitVersion));
        ModelVersions versions = new ModelVersions(pipeline.env().store(), pipeline.env().layout());
        Optional<Long> trained = versions.trainedBefore(spec.name(), spec.sha256(), split.ref("train"));
        if (trained.isPresent()) {
            String why = "no new data: " + spec.name() + "@" + trained.get() + " was already trained from " + config.spec() + " on "
                    + dataset + "@" + splitVersion;
            return outcome(pipeline, attempt, Step.TRAIN, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of("model", spec.name() + "@"
                    + trained.get(), "trained", "false", "train_skipped", "no new data, nothing trained"), "skipped, " + why);
        }
        Optional<String> calm = config.retrainWhen().equals("drift") ? underDriftThreshold(spec, split, pipeline) : Optional.empty();
        if (calm.isPresent()) {
            return outcome(pipeline, attempt, Step.TRAIN, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of("trained", "false",
                    "train_skipped", "drift under the threshold, nothing trained"), "skipped, " + calm.get());
        }
        Access access = Access.to(spec.name(), Permissions.MODEL_TRAIN, Permissions.MODEL_REGISTER);
        if (config.trainOn().equals("slurm")) {
            Ran<Long> ran = step("train-submit", access, run -> {
                TrainSubmission jobs = new TrainSubmission(run, slurm.get(), keelHome);
                long id = jobs.submit(new TrainSubmission.Request(spec, dataset + "@" + splitVersion, config.nodes(), config.workers(),
                        config.gpusPerNode(), config.timeLimit(), config.partition(), Optional.empty(),
                        TrainSubmission.jobEnvironment(environment)));
                JobStatus ended = jobs.awaitAndMeter(id, "train", spec.name(), config.timeLimit().orElse(Duration.ofDays(1))
                        .plusHours(1));
                if (ended.waitExitCode() != 0) {
                    throw new KeelException(ExitCode.UNEXPECTED, "Pipeline " + config.name() + ": Slurm job " + id + " ended " + ended.state()
                            + " (exit " + ended.waitExitCode() + "): see keel slurm logs " + id + "; run the pipeline again to retry "
                            + "the training");
                }
                return versions.trainedBefore(spec.name(), spec.sha256(), split.ref("train")).orElseThrow(() -> new IntegrityException(
                        "Slurm job " + id + " completed but registered no " + spec.name() + " trained on " + split.ref("train")));
            });
            return trainedOutcome(pipeline, attempt, ran.runId(), new ModelRef(spec.name(), ran.value()), "trained in Slurm job");
        }
        Ran<TrainResult> ran = step("train", access, run -> new TrainJob(run).train(new TrainRequest(spec, dataset, splitVersion,
                config.workers(), TrainRequest.DEFAULT_AVERAGING_FREQUENCY, Optional.empty())));
        return trainedOutcome(pipeline, attempt, ran.runId(), ModelRef.of(ran.value().model()), "trained " + ran.value().history().size()
                + " epoch(s), test " + ModelMetrics.format(ran.value().test().values()));
    }

    private StepOutcome trainedOutcome(RunContext pipeline, String attempt, String runId, ModelRef model, String how) {
        return outcome(pipeline, attempt, Step.TRAIN, StepOutcome.Status.SUCCEEDED, Optional.of(runId), Map.of("model", model.toString(),
                "trained", "true"), model + " " + how);
    }

    /** Why training can wait: no feature drifted from the data the champion was trained on; empty when one did (or no champion). */
    private Optional<String> underDriftThreshold(ModelSpec spec, SplitManifest split, RunContext pipeline) {
        Registry registry = new ModelCatalog(pipeline.env().store().kernel(), pipeline.env().layout()).read();
        Optional<ModelVersion> champion = registry.holder(spec.name(), "champion");
        if (champion.isEmpty()) {
            return Optional.empty();
        }
        SplitManifest trainedOn = new SplitReader(pipeline.env().store(), pipeline.env().layout()).manifest(split.dataset(),
                Optional.of(champion.get().train().version()));
        long from = trainedOn.source().version();
        long to = split.source().version();
        if (from == to) {
            return Optional.empty();
        }
        Ran<DriftReport> ran = step("data-drift", Access.to(split.dataset()), run -> new DriftAnalysis(run).drift(split.dataset(), from, to,
                config.driftThreshold()));
        if (!ran.value().drifted().isEmpty()) {
            return Optional.empty();
        }
        double max = ran.value().columns().stream().mapToDouble(c -> c.psi()).max().orElse(0);
        return Optional.of(String.format(Locale.ROOT, "drift under the threshold: no feature of %s moved from version %d to %d by PSI %.2f "
                + "or more (largest %.3f)", split.dataset(), from, to, config.driftThreshold(), max));
    }

    private StepOutcome release(Step step, Map<String, String> facts, RunContext pipeline, String attempt) {
        String model = facts.get("model");
        ReleasePolicy policy = policies.apply(model);
        switch (step) {
            case EVALUATE -> {
                Ran<Evaluation> ran = step("evaluate", Access.to(model, Permissions.MODEL_EVALUATE), run -> new SliceEvaluator(run).evaluate(
                        catalog(run).resolve(model), Optional.empty(), policy.slices(), policy.declared()));
                return outcome(pipeline, attempt, step, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()), Map.of(), model + " on "
                        + ran.value().data() + ": " + ModelMetrics.format(ran.value().overall().metrics()) + " over "
                        + (ran.value().slices().size() - 1) + " slice(s)");
            }
            case COMPARE -> {
                Optional<ModelVersion> champion = catalog(pipeline).read().holder(model.substring(0, model.indexOf('@')), "champion")
                        .filter(c -> !ModelRef.of(c).toString().equals(model));
                if (champion.isEmpty()) {
                    return outcome(pipeline, attempt, step, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of(),
                            "skipped: no other champion to compare with");
                }
                String baseline = ModelRef.of(champion.get()).toString();
                // On the candidate's test split: the champion was tested on an older split version.
                Ran<Comparison> ran = step("compare", Access.to(model, Permissions.MODEL_EVALUATE), run -> {
                    ModelVersion candidate = catalog(run).resolve(model);
                    return new ModelComparer(run).compareOn(candidate, champion.get(), candidate.test(), 0.05,
                            ModelComparer.DEFAULT_RESAMPLES);
                });
                Comparison c = ran.value();
                return outcome(pipeline, attempt, step, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()), Map.of("champion", baseline,
                        "verdict", c.verdict().text()), String.format(Locale.ROOT, "%s against champion %s: %s (McNemar p = %.3g)", model,
                                baseline, c.verdict().text(), c.mcNemarP()));
            }
            case GATE -> {
                Ran<GateReport> ran = step("gate", Access.to(model, Permissions.MODEL_EVALUATE), run -> new GateCheck(run).check(model,
                        policy));
                GateReport g = ran.value();
                List<String> failed = g.failed().stream().map(GateResult::gate).toList();
                return outcome(pipeline, attempt, step, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()), Map.of("gates_passed",
                        Boolean.toString(g.passed()), "gates_failed", String.join(",", failed)), g.passed() ? "every gate passed"
                                : "rejected: failed " + String.join(", ", failed));
            }
            case PROMOTE -> {
                if (config.promoteTo().isEmpty()) {
                    return outcome(pipeline, attempt, step, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of(), "skipped: promote.to = none");
                }
                if (!Boolean.parseBoolean(facts.get("gates_passed"))) {
                    return outcome(pipeline, attempt, step, StepOutcome.Status.SKIPPED, Optional.empty(), Map.of(), "skipped: " + model
                            + " failed its gates (" + facts.get("gates_failed") + "); the champion stays");
                }
                String alias = config.promoteTo().get();
                Ran<Object> ran = step("promote", Access.to(model, Permissions.promote(alias)), run -> new Promotion(run).promote(model, alias,
                        "nightly pipeline " + config.name() + ", attempt " + attempt, false, policy));
                return outcome(pipeline, attempt, step, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()), Map.of("promoted", model + " -> "
                        + alias), model + " promoted to " + alias);
            }
            case REPORT -> {
                String dir = Locations.join(config.reports(), model.replace('@', '-'));
                Ran<String> ran = step("report", Access.to(model), run -> new ModelCard(run).write(model, dir));
                return outcome(pipeline, attempt, step, StepOutcome.Status.SUCCEEDED, Optional.of(ran.runId()), Map.of("report",
                        ran.value()), "model card " + ran.value());
            }
            default -> throw new IllegalStateException("Not a release step: " + step);
        }
    }

    private static ModelCatalog catalog(RunContext run) {
        return new ModelCatalog(run.env().store().kernel(), run.env().layout());
    }

    private StepOutcome outcome(RunContext pipeline, String attempt, Step step, StepOutcome.Status status, Optional<String> runId,
            Map<String, String> outputs, String message) {
        return new StepOutcome(config.name(), attempt, pipeline.id().value(), step, status, runId, outputs, message,
                pipeline.env().clock().instant());
    }

    /** A step's value and the run that produced it. */
    private record Ran<T>(T value, String runId) {
    }

    private <T> Ran<T> step(String kind, Access access, Function<RunContext, T> work) {
        AtomicReference<String> id = new AtomicReference<>();
        T value = runner.run(kind, access, run -> {
            id.set(run.id().value());
            return work.apply(run);
        });
        return new Ran<>(value, id.get());
    }
}
