package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.factory.Nd4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

import dev.keel.build.Digests;
import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.ModelVersions;
import dev.keel.registry.VersionClaims;
import dev.keel.run.RunContext;
import dev.keel.run.RunRecord;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRef;
import dev.keel.train.Checkpoints.Checkpoint;

/**
 * Trains a model spec on a materialised split and registers the result: reads train, val and
 * test only through {@link SplitRef}s of one split table version, trains (checkpointing every
 * epoch under {@code checkpoints/<run id>/}), evaluates the test split, writes
 * {@code models/<name>/<version>/} (the model zip with its normaliser, the spec's text as
 * {@code spec.yaml}, and {@code manifest.json}
 * with the SHA-256 of the zip, the spec, the three SplitRefs, seed, code version, backend,
 * workers, history and metrics) and a row in {@code _keel/models}. Audited as {@code model.trained}.
 */
public final class TrainJob {
    private static final List<String> SPLITS = List.of("train", "val", "test");
    /** The spec's own text, kept in the model directory: what the model was trained from, byte for byte. */
    public static final String SPEC_FILE = "spec.yaml";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final RunContext run;
    private final LakeLayout layout;

    public TrainJob(RunContext run) {
        this.run = requireNonNull(run, "run");
        this.layout = run.env().layout();
    }

    public TrainResult train(TrainRequest request) {
        Fitted f = fit(request);
        ModelSpec spec = request.spec();
        Configuration hadoop = run.env().spark().sparkContext().hadoopConfiguration();
        ModelVersions registry = new ModelVersions(run.env().store(), layout);
        long version = new VersionClaims(run.env().store(), layout.keel(KeelTable.MODEL_CLAIMS)).claim(spec.name(), registry::nextVersion,
                run.id().value(), run.env().clock().instant());
        String directory = layout.model(spec.name(), version);
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        ModelVersion model = new ModelVersion(spec.name(), version, directory, Digests.sha256Hex(f.zip()), spec.file(), spec.sha256(),
                spec.task().name().toLowerCase(Locale.ROOT), hyperParameters(spec, request, f.outcome()), spec.training().seed(),
                f.train(), f.validation(), f.test(), f.metrics().values(), backend, request.workers(), run.id().value(),
                run.actor().name(), run.env().clock().instant());
        writeArtifacts(hadoop, directory, f.zip(), model, spec, f.outcome(), f.metrics());
        registry.register(model);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("model", spec.name() + "@" + version);
        details.put("model_sha256", model.modelSha256());
        details.put("train", f.train().toString());
        details.put("test", f.test().toString());
        details.put("metrics", f.metrics().values());
        details.put("epochs", f.outcome().history().size());
        details.put("resumed_from_epoch", f.outcome().resumedFrom());
        f.resumedRun().ifPresent(r -> details.put("resumed_run", r));
        details.put("workers", request.workers());
        run.audit("model.trained", spec.name() + "@" + version, details);
        return new TrainResult(model, f.metrics(), f.outcome().history(), f.outcome().bestEpoch(), f.outcome().resumedFrom());
    }

    /**
     * Trains as {@link #train} does but registers and writes nothing (checkpoints aside): what
     * {@code keel reproduce} compares with a registered version.
     *
     * @return the model zip's SHA-256 and the test metrics
     */
    public Retrained retrain(TrainRequest request) {
        Fitted f = fit(request);
        return new Retrained(Digests.sha256Hex(f.zip()), f.metrics(), f.outcome().history().size(), f.test());
    }

    /**
     * A training that was not registered.
     *
     * @param modelSha256 SHA-256 of the model zip it would have registered
     * @param metrics its test metrics
     * @param epochs epochs trained
     * @param test the test split evaluated
     */
    public record Retrained(String modelSha256, ModelMetrics metrics, int epochs, SplitRef test) {
    }

    /** A fitted, evaluated network and what it was fitted on. */
    private record Fitted(SplitRef train, SplitRef validation, SplitRef test, Trainer.Outcome outcome, ModelMetrics metrics, byte[] zip,
            Optional<String> resumedRun) {
    }

    private Fitted fit(TrainRequest request) {
        ModelSpec spec = request.spec();
        SplitReader reader = new SplitReader(run.env().store(), layout);
        SplitManifest manifest = reader.manifest(request.dataset(), Optional.of(request.splitVersion()));
        for (String split : SPLITS) {
            if (!manifest.statistics().rows().containsKey(split)) {
                throw new UsageException("Split " + manifest.table() + " has no '" + split + "' rows: keel train needs splits named "
                        + String.join(", ", SPLITS) + "; it has " + String.join(", ", manifest.statistics().rows().keySet()));
            }
        }
        SplitRef trainRef = manifest.ref("train");
        SplitRef valRef = manifest.ref("val");
        SplitRef testRef = manifest.ref("test");
        run.addInput(manifest.table());

        Configuration hadoop = run.env().spark().sparkContext().hadoopConfiguration();
        Optional<String> resumeRun = request.resumeRunId().or(this::requeuedAttempt);
        String checkpointRun = resumeRun.orElse(run.id().value());
        Checkpoints checkpoints = new Checkpoints(hadoop, layout.checkpoints(checkpointRun));
        Optional<Checkpoint> resume = Optional.empty();
        if (resumeRun.isPresent()) {
            resume = checkpoints.latest();
            if (resume.isEmpty()) {
                throw new UsageException("Run " + resumeRun.get() + " left no checkpoint in " + checkpoints.directory()
                        + ": check the run id ('keel audit tail' lists runs), or train without --resume");
            }
        }
        int usable = run.env().spark().sparkContext().defaultParallelism();
        if (request.workers() > usable) {
            run.env().progress().info("warning: --workers " + request.workers() + " but the Spark master "
                    + run.env().spark().sparkContext().master() + " runs " + usable + " task(s) at a time; workers will take turns");
        }

        try (TrainingData train = new TrainingData(reader, trainRef, spec);
                TrainingData val = new TrainingData(reader, valRef, spec);
                TrainingData test = new TrainingData(reader, testRef, spec);
                EpochFitter fitter = request.workers() == 1
                        ? new LocalFitter(train, spec.training().batchSize(), spec.training().checkpointEveryIterations())
                        : new AveragingFitter(run.env().spark().sparkContext(), train, request.workers(), spec.training().batchSize(),
                                request.averagingFrequency(), checkpoints.directory() + "/minibatches-" + run.id().value())) {
            Trainer.Outcome outcome;
            String how = request.workers() == 1 ? "in this JVM"
                    : request.workers() + " workers averaging every " + request.averagingFrequency() + " minibatch(es)";
            try (RunContext.Step step = run.step("training " + spec.name() + " on " + trainRef + " (" + spec.training().epochs()
                    + " epochs, batch " + spec.training().batchSize() + ", " + how + ")")) {
                outcome = new Trainer(checkpoints, run.env().progress(), fitter).train(spec, train, val, resume);
            }
            ModelMetrics metrics;
            try (RunContext.Step step = run.step("evaluating on " + testRef)) {
                metrics = ModelEvaluator.evaluate(outcome.network(), test.batches(1024), outcome.normaliser(), spec);
            }
            return new Fitted(trainRef, valRef, testRef, outcome, metrics, ModelArchive.write(outcome.network(), false,
                    outcome.normaliser()), resumeRun);
        }
    }

    /**
     * Inside a Slurm job, the newest earlier attempt of this job's training that left a
     * checkpoint: a job requeued after preemption continues where it was stopped without being
     * told to.
     */
    private Optional<String> requeuedAttempt() {
        if (run.env().slurmJobId().isEmpty()) {
            return Optional.empty();
        }
        Configuration hadoop = run.env().spark().sparkContext().hadoopConfiguration();
        for (RunRecord attempt : run.env().runs().earlierAttempts("train", run.env().slurmJobId().get())) {
            if (!attempt.runId().equals(run.id().value())
                    && new Checkpoints(hadoop, layout.checkpoints(attempt.runId())).any()) {
                run.env().progress().info("Slurm job " + run.env().slurmJobId().get() + " was requeued: continuing run "
                        + attempt.runId() + " from its last checkpoint");
                return Optional.of(attempt.runId());
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> hyperParameters(ModelSpec spec, TrainRequest request, Trainer.Outcome outcome) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("network", spec.network().kind().name().toLowerCase(Locale.ROOT));
        h.put("epochs", Integer.toString(spec.training().epochs()));
        h.put("epochs_trained", Integer.toString(outcome.history().size()));
        h.put("best_epoch", Integer.toString(outcome.bestEpoch()));
        h.put("batch_size", Integer.toString(spec.training().batchSize()));
        h.put("updater", spec.training().updater().type());
        h.put("learning_rate", Double.toString(spec.training().updater().learningRate()));
        spec.training().schedule().ifPresent(s -> h.put("schedule", s.type() + " x" + s.decay() + " every " + s.everyEpochs()));
        h.put("l2", Double.toString(spec.training().l2()));
        h.put("normalisation", spec.normalisation().name().toLowerCase(Locale.ROOT));
        h.put("workers", Integer.toString(request.workers()));
        if (request.workers() > 1) {
            h.put("averaging_frequency", Integer.toString(request.averagingFrequency()));
        }
        return h;
    }

    private void writeArtifacts(Configuration hadoop, String directory, byte[] zip, ModelVersion model, ModelSpec spec,
            Trainer.Outcome outcome, ModelMetrics metrics) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("model", model.name());
        manifest.put("version", model.version());
        manifest.put("files", Map.of("model.zip", model.modelSha256(), SPEC_FILE, spec.sha256()));
        manifest.put("spec", spec);
        manifest.put("features", spec.features());
        manifest.put("label", spec.label());
        manifest.put("splits", Map.of("train", named(model.train()), "val", named(model.validation()), "test", named(model.test())));
        manifest.put("seed", model.seed());
        manifest.put("code", run.env().build());
        manifest.put("backend", model.backend());
        manifest.put("workers", model.workers());
        manifest.put("run_id", model.runId());
        manifest.put("history", outcome.history());
        manifest.put("test_metrics", metrics);
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            if (fs.exists(dir)) {
                throw new UsageException("Model directory " + directory + " already exists: another run registered "
                        + model.name() + " version " + model.version() + " at the same time; train again");
            }
            try (OutputStream out = fs.create(new Path(dir, "model.zip"), false)) {
                out.write(zip);
            }
            try (OutputStream out = fs.create(new Path(dir, SPEC_FILE), false)) {
                out.write(spec.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            try (OutputStream out = fs.create(new Path(dir, "manifest.json"), false)) {
                out.write(JSON.writeValueAsBytes(manifest));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model " + model.name() + " version " + model.version() + " to " + directory
                    + ": " + e.getMessage(), e);
        }
    }

    /** The split as records name it: its table relative to the lake's root. */
    private SplitRef named(SplitRef split) {
        return new SplitRef(layout.name(split.table()), split.version(), split.split());
    }
}
