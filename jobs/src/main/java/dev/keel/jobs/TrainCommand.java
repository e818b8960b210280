package dev.keel.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.config.ConfigKeys;
import dev.keel.error.UsageException;
import dev.keel.registry.ModelAnnotator;
import dev.keel.registry.ModelRef;
import dev.keel.slurm.JobStatus;
import dev.keel.slurm.SlurmClient;
import dev.keel.slurm.SlurmClients;
import dev.keel.slurm.SweepSubmission;
import dev.keel.slurm.TrainSubmission;
import dev.keel.sweep.SweepComparison;
import dev.keel.sweep.SweepGrid;
import dev.keel.train.EpochRecord;
import dev.keel.train.ModelMetrics;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;
import dev.keel.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel train}: a model spec trained on a pinned split, evaluated, written to models/ and registered. */
@Command(name = "train", mixinStandardHelpOptions = true, subcommands = TrainCommand.Submit.class,
        description = {"Train the model a spec declares on the train/val/test splits of one split table version,",
            "checkpointing every epoch; write models/<name>/<version>/ and register it in _keel/models."})
final class TrainCommand implements Callable<Integer> {
    private static final Pattern SPLIT = Pattern.compile("([a-z0-9][a-z0-9_-]*)@(\\d+)");

    @ParentCommand
    KeelCommand parent;

    @Option(names = "--spec", paramLabel = "FILE", description = "The model spec, e.g. conf/models/digits-mlp.yaml.")
    Path spec;

    @Option(names = "--split", paramLabel = "NAME@VERSION",
            description = "The split table version to read, e.g. digits@0 ('keel split show NAME --all' lists them).")
    String split;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = {"Training workers; default ${DEFAULT-VALUE} (this JVM). 2 or more average parameters over the",
                "Spark master's executors (local[N], a standalone cluster, YARN, Kubernetes)."})
    int workers;

    @Option(names = "--averaging-frequency", paramLabel = "K", defaultValue = "" + TrainRequest.DEFAULT_AVERAGING_FREQUENCY,
            description = "With several workers, minibatches each fits between two averagings; default ${DEFAULT-VALUE}.")
    int averagingFrequency;

    @Option(names = "--resume", paramLabel = "RUN_ID", description = {"Continue from the last checkpoint of this run. Inside a",
        "Slurm job that was requeued, the job's earlier attempt is continued without it."})
    String resume;

    @Option(names = "--sweep", paramLabel = "GRID", description = {"Train one candidate of this sweep grid (the spec with the",
        "grid's values of --candidate set); slurm/sweep.sbatch runs one per array task."})
    Path sweep;

    @Option(names = "--candidate", paramLabel = "I", description = "With --sweep: the candidate's index, from 0.")
    Integer candidate;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the registered version (repeatable), e.g. --tag sweep:nightly.")
    List<String> tags = new ArrayList<>();

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        if (spec == null || split == null) {
            throw new UsageException("Missing " + (spec == null ? "--spec" : "--split") + ": keel train --spec FILE --split NAME@VERSION "
                    + "trains here; keel train submit ... trains in a Slurm job");
        }
        if ((sweep == null) != (candidate == null)) {
            throw new UsageException("--sweep GRID and --candidate I go together: give both to train one candidate of a sweep, or neither");
        }
        ModelSpec parsed = ModelSpecParser.parse(spec);
        if (sweep != null) {
            parsed = SweepGrid.read(sweep).candidate(parsed, candidate).spec();
        }
        Matcher m = checkSplit(split);
        TrainRequest request = new TrainRequest(parsed, m.group(1), Long.parseLong(m.group(2)), workers, averagingFrequency,
                Optional.ofNullable(resume));
        Access access = Access.to(parsed.name(), Permissions.MODEL_TRAIN, Permissions.MODEL_REGISTER);
        TrainResult result = cli.run("train", tags.isEmpty() ? access : access.and(Permissions.MODEL_TAG), run -> {
            TrainResult trained = new TrainJob(run).train(request);
            if (!tags.isEmpty()) {
                new ModelAnnotator(run).tag(ModelRef.of(trained.model()).toString(), tags, List.of());
            }
            return trained;
        });
        if (cli.json()) {
            cli.printJson(result);
            return 0;
        }
        print(cli, result, "");
        return 0;
    }

    private static Matcher checkSplit(String split) {
        Matcher m = SPLIT.matcher(split);
        if (!m.matches()) {
            throw new UsageException("Invalid --split '" + split + "': expected DATASET@VERSION, e.g. digits@0");
        }
        return m;
    }

    /** {@code keel train submit}: the same training as a Slurm job, Spark inside the allocation. */
    @Command(name = "submit", mixinStandardHelpOptions = true, description = {"Submit the training as a Slurm job through slurmrestd",
        "(slurm/train.sbatch: a Spark master and a worker per node inside the allocation, parameter averaging over them).",
        "Recorded as a run with the job id and audited; with --wait, waits and records _keel/compute_usage."})
    static final class Submit implements Callable<Integer> {
        private static final Pattern TIME = Pattern.compile("(?:(\\d+)-)?(\\d{1,2}):(\\d{2}):(\\d{2})");

        @ParentCommand
        TrainCommand train;

        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The model spec.")
        Path spec;

        @Option(names = "--split", required = true, paramLabel = "NAME@VERSION", description = "The split table version to read.")
        String split;

        @Option(names = "--nodes", paramLabel = "N", defaultValue = "1", description = "Nodes; default ${DEFAULT-VALUE}.")
        int nodes;

        @Option(names = "--tasks-per-node", paramLabel = "T", defaultValue = "2",
                description = "Training workers (Spark executor cores) per node; default ${DEFAULT-VALUE}.")
        int tasksPerNode;

        @Option(names = "--gpus-per-node", paramLabel = "G", defaultValue = "0", description = "GPUs per node, one executor each.")
        int gpusPerNode;

        @Option(names = "--time", paramLabel = "[D-]HH:MM:SS", description = "Time limit; default the partition's.")
        String time;

        @Option(names = "--partition", paramLabel = "P", description = "Partition; default the cluster's.")
        String partition;

        @Option(names = "--averaging-frequency", paramLabel = "K", description = "Minibatches between averagings.")
        Integer averagingFrequency;

        @Option(names = "--sweep", paramLabel = "GRID", description = {"Submit a hyper-parameter sweep instead: the grid's candidates as",
            "a job array of slurm/sweep.sbatch (each trains and registers one, tagged sweep:<run id>) and a final job that",
            "ranks them on validation and compares the best with the champion."})
        Path sweep;

        @Option(names = "--budget", paramLabel = "HOURS", description = {"With --sweep: the GPU-hours (CPU-hours without GPUs) its",
            "candidates may use. Each reserves --time times its GPUs; submitting stops when the next one no longer fits."})
        Double budget;

        @Option(names = "--max-parallel", paramLabel = "P", description = "With --sweep: at most P candidates at once.")
        Integer maxParallel;

        @Option(names = "--wait", description = "Wait for the job, then record its compute usage; exit with the job's exit code.")
        boolean await;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "86400", description = "With --wait: give up after.")
        long timeout;

        @Override
        public Integer call() {
            Cli cli = train.parent.cli();
            ModelSpec parsed = ModelSpecParser.parse(spec);
            checkSplit(split);
            Optional<Duration> limit = Optional.ofNullable(time).map(t -> {
                Matcher m = TIME.matcher(t);
                if (!m.matches()) {
                    throw new UsageException("Invalid --time '" + t + "': expected HH:MM:SS or D-HH:MM:SS, e.g. 02:00:00");
                }
                return Duration.ofDays(m.group(1) == null ? 0 : Long.parseLong(m.group(1))).plusHours(Long.parseLong(m.group(2)))
                        .plusMinutes(Long.parseLong(m.group(3))).plusSeconds(Long.parseLong(m.group(4)));
            });
            TrainSubmission.Request request = new TrainSubmission.Request(parsed, split, nodes, tasksPerNode, gpusPerNode, limit,
                    Optional.ofNullable(partition), Optional.ofNullable(averagingFrequency), TrainSubmission.jobEnvironment(cli.variables()));
            if (sweep == null && (budget != null || maxParallel != null)) {
                throw new UsageException("--budget and --max-parallel apply to a sweep: add --sweep GRID");
            }
            SlurmClient slurm = SlurmClients.from(cli.config(), cli.actor().name());
            Path home = Path.of(cli.config().get(ConfigKeys.KEEL_HOME));
            Access access = Access.to(parsed.name(), Permissions.MODEL_TRAIN, Permissions.MODEL_REGISTER);
            if (sweep != null) {
                SweepSubmission.Request sweepRequest = new SweepSubmission.Request(request, sweep, Optional.ofNullable(budget),
                        Optional.ofNullable(maxParallel));
                SweepSubmission.Outcome o = cli.run("sweep-submit", access.and(Permissions.MODEL_TAG, Permissions.MODEL_EVALUATE),
                        run -> new SweepSubmission(run, new TrainSubmission(run, slurm, home), home).submit(sweepRequest, await,
                                Duration.ofSeconds(timeout)));
                printSweep(cli, o, home);
                return o.comparison().map(JobStatus::waitExitCode).orElse(0);
            }
            JobStatus ended = cli.run("train-submit", access, run -> {
                TrainSubmission submission = new TrainSubmission(run, slurm, home);
                long id = submission.submit(request);
                cli.out().printf("Submitted Slurm job %d (keel-train-%s, %d node(s) x %d worker(s)); output %s%n", id, parsed.name(), nodes,
                        tasksPerNode, home.resolve("logs/keel-train-" + id + ".out"));
                return await ? submission.awaitAndMeter(id, "train", parsed.name(), Duration.ofSeconds(timeout)) : null;
            });
            if (ended == null) {
                return 0;
            }
            SlurmCommand.print(cli, ended);
            return ended.waitExitCode();
        }

        private static void printSweep(Cli cli, SweepSubmission.Outcome o, Path home) {
            if (cli.json()) {
                cli.printJson(o);
                return;
            }
            cli.out().printf("Sweep %s: %d candidate(s), tagged %s%n", o.id(), o.candidates(), SweepComparison.tag(o.id()));
            for (SweepSubmission.Wave w : o.arrays()) {
                cli.out().printf("  job array %d: candidates %d-%d; output %s%n", w.jobId(), w.from(), w.to(),
                        home.resolve("logs/keel-sweep-" + w.jobId() + "_<candidate>.out"));
            }
            if (o.notSubmitted() > 0) {
                cli.out().printf("  %d candidate(s) not submitted: the budget does not cover them%n", o.notSubmitted());
            }
            cli.out().printf("  comparison job %d; output %s%n", o.comparisonJob(), home.resolve("logs/keel-sweep-compare-"
                    + o.comparisonJob() + ".out"));
            o.comparison().ifPresent(c -> SlurmCommand.print(cli, c));
        }
    }

    /** Prints a training's outcome: the model, its epochs, the test metrics and where it was written. */
    static void print(Cli cli, TrainResult result, String indent) {
        cli.out().printf("%sTrained %s version %d (run %s)%s%n", indent, result.model().name(), result.model().version(),
                result.model().runId(), result.resumedFrom() > 0 ? ", resumed after epoch " + result.resumedFrom() : "");
        for (EpochRecord e : result.history()) {
            cli.out().printf("%s  epoch %3d  loss %.4f  validation %s  %,.0f samples/s%n", indent, e.epoch(), e.loss(),
                    ModelMetrics.format(e.validation()), e.samplesPerSecond());
        }
        cli.out().printf("%s  kept epoch %d; test (%s, %d examples): %s%n", indent, result.bestEpoch(), result.model().test(),
                result.test().examples(), ModelMetrics.format(result.test().values()));
        cli.out().printf("%s  model %s (sha256 %s), registered in _keel/models%n", indent, result.model().artifact(),
                result.model().modelSha256());
    }
}
