package dev.keel.jobs;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.compare.Evaluation;
import dev.keel.compare.SliceEvaluator;
import dev.keel.compare.SliceMetrics;
import dev.keel.error.UsageException;
import dev.keel.registry.ModelCatalog;
import dev.keel.release.ReleasePolicy;
import dev.keel.split.SplitRef;
import dev.keel.train.ModelMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel evaluate}: a model version's metrics on a split version, overall and per declared slice. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Classify a split with a model version; report metrics overall and per slice (release.dir/NAME.yaml",
            "evaluation.slices) and record them in _keel/evaluations."})
final class EvaluateCommand implements Callable<Integer> {
    private static final Pattern SPLIT = Pattern.compile("([a-z0-9][a-z0-9_-]*)@(\\d+)(?:#([A-Za-z0-9_-]+))?");

    @ParentCommand
    KeelCommand parent;

    @Parameters(paramLabel = "MODEL", description = "NAME@VERSION, NAME@ALIAS or NAME@latest, e.g. digits-mlp@champion.")
    String reference;

    @Option(names = "--split", paramLabel = "NAME@VERSION[#SPLIT]",
            description = "Split table version (and split, default test) to evaluate on; default the model's own test split.")
    String split;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        ReleasePolicy policy = cli.releasePolicy(reference);
        Optional<SplitRef> on = Optional.ofNullable(split).map(s -> {
            Matcher m = SPLIT.matcher(s);
            if (!m.matches()) {
                throw new UsageException("Invalid --split '" + s + "': expected DATASET@VERSION or DATASET@VERSION#SPLIT, e.g. digits@1");
            }
            return new SplitRef(cli.layout().splits(m.group(1)), Long.parseLong(m.group(2)), m.group(3) == null ? "test" : m.group(3));
        });
        Evaluation e = cli.run("evaluate", Access.to(reference, Permissions.MODEL_EVALUATE), run -> new SliceEvaluator(run).evaluate(
                new ModelCatalog(run.env().store().kernel(), run.env().layout()).resolve(reference), on, policy.slices(),
                policy.declared()));
        if (cli.json()) {
            cli.printJson(e);
            return 0;
        }
        cli.out().printf("%s on %s (recorded in _keel/evaluations)%n", e.model(), e.data());
        cli.out().printf("  %-28s %9s  %s%n", "slice", "examples", "metrics");
        for (SliceMetrics s : e.slices()) {
            cli.out().printf(Locale.ROOT, "  %-28s %9d  %s%n", s.slice(), s.examples(), s.metrics().isEmpty() ? "-"
                    : ModelMetrics.format(s.metrics()));
        }
        return 0;
    }
}
