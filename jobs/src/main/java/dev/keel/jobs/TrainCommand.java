package dev.keel.jobs;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.error.UsageException;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;
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
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the model a spec declares on the train/val/test splits of one split table version,",
            "checkpointing every epoch; write models/<name>/<version>/ and register it in _keel/models."})
final class TrainCommand implements Callable<Integer> {
    private static final Pattern SPLIT = Pattern.compile("([a-z0-9][a-z0-9_-]*)@(\\d+)");

    @ParentCommand
    KeelCommand parent;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The model spec, e.g. conf/models/digits-mlp.yaml.")
    Path spec;

    @Option(names = "--split", required = true, paramLabel = "NAME@VERSION",
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

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        ModelSpec parsed = ModelSpecParser.parse(spec);
        Matcher m = SPLIT.matcher(split);
        if (!m.matches()) {
            throw new UsageException("Invalid --split '" + split + "': expected DATASET@VERSION, e.g. digits@0");
        }
        TrainRequest request = new TrainRequest(parsed, m.group(1), Long.parseLong(m.group(2)), workers, averagingFrequency,
                Optional.ofNullable(resume));
        TrainResult result = cli.run("train", Access.to(parsed.name(), Permissions.MODEL_TRAIN, Permissions.MODEL_REGISTER), run -> new TrainJob(run).train(request));
        if (cli.json()) {
            cli.printJson(result);
            return 0;
        }
        print(cli, result, "");
        return 0;
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
