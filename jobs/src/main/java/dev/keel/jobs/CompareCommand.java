package dev.keel.jobs;

import java.util.Locale;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.compare.Comparison;
import dev.keel.compare.ModelComparer;
import dev.keel.compare.PairedStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel compare}: a candidate model against a baseline on the same pinned test split, with paired statistics. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Classify the shared test split with both models; report metric deltas with paired bootstrap",
            "intervals, McNemar's exact test and a verdict; record it in _keel/evaluations."})
final class CompareCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Option(names = "--candidate", required = true, paramLabel = "MODEL", description = "The new model, e.g. digits-mlp@2.")
    String candidate;

    @Option(names = "--baseline", required = true, paramLabel = "MODEL", description = "The model to beat, e.g. digits-mlp@1.")
    String baseline;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.05", description = "Significance level; default ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "" + ModelComparer.DEFAULT_RESAMPLES,
            description = "Paired bootstrap samples; default ${DEFAULT-VALUE}.")
    int resamples;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        Comparison c = cli.run("compare", Access.to(candidate, Permissions.MODEL_EVALUATE), run -> new ModelComparer(run).compare(candidate, baseline, alpha, resamples));
        if (cli.json()) {
            cli.printJson(c);
            return 0;
        }
        cli.out().printf("%s against %s on %s (%,d examples)%n", c.candidate(), c.baseline(), c.test(), c.examples());
        cli.out().printf("  %-10s %10s %10s %10s   %s%n", "metric", "candidate", "baseline", "delta",
                String.format(Locale.ROOT, "%.0f%% paired bootstrap interval", 100 * (1 - c.alpha())));
        c.deltas().forEach((metric, delta) -> {
            PairedStatistics.Interval i = c.intervals().get(metric);
            cli.out().printf(Locale.ROOT, "  %-10s %10.4f %10.4f %+10.4f   [%+.4f, %+.4f]%n", metric, c.candidateMetrics().get(metric),
                    c.baselineMetrics().get(metric), delta, i.low(), i.high());
        });
        cli.out().printf(Locale.ROOT, "  McNemar exact: %d example(s) only the baseline got right, %d only the candidate; p = %.4g%n",
                c.onlyBaselineRight(), c.onlyCandidateRight(), c.mcNemarP());
        cli.out().printf(Locale.ROOT, "  verdict at alpha %.2f: %s (recorded in _keel/evaluations)%n", c.alpha(), c.verdict().text());
        return 0;
    }
}
