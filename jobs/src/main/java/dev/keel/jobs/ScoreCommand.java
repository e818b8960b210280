package dev.keel.jobs;

import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.error.UsageException;
import dev.keel.score.BatchScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel score}: batch predictions of a registered model over a pinned dataset version. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Classify every row of a dataset version with a model version on Spark and append the predictions to",
            "predictions/TABLE (Delta), each row with the model's name, version and SHA-256 and the input's version."})
final class ScoreCommand implements Callable<Integer> {
    private static final Pattern INPUT = Pattern.compile("([a-z0-9][a-z0-9_-]*)@(\\d+)");

    @ParentCommand
    KeelCommand parent;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "NAME@VERSION or NAME@ALIAS, e.g. digits-mlp@champion.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "NAME@VERSION", description = "Dataset version to score, e.g. digits@0.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "TABLE", description = "Predictions table name under predictions/.")
    String output;

    @Override
    public Integer call() {
        Matcher m = INPUT.matcher(input);
        if (!m.matches()) {
            throw new UsageException("Invalid --input '" + input + "': expected DATASET@VERSION, e.g. digits@0 ('keel data history "
                    + "NAME' lists versions)");
        }
        Cli cli = parent.cli();
        BatchScorer.ScoreResult r = cli.run("score", Access.to(model, Permissions.MODEL_SCORE),
                run -> new BatchScorer(run).score(model, m.group(1), Long.parseLong(m.group(2)), output));
        if (cli.json()) {
            cli.printJson(r);
        } else if (r.unchanged()) {
            cli.out().printf("Unchanged: %s already holds %s's predictions for %s%n", r.output().table(), r.model(), r.input());
        } else {
            cli.out().printf("Scored %,d row(s) of %s with %s into %s%n", r.rows(), r.input(), r.model(), r.output());
        }
        return 0;
    }
}
