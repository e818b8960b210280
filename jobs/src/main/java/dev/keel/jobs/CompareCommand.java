package dev.keel.jobs;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.compare.Comparison;
import dev.keel.compare.ModelComparer;
import dev.keel.compare.PairedStatistics;
import dev.keel.error.UsageException;
import dev.keel.sweep.SweepComparison;
import dev.keel.sweep.SweepGrid;
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

    @Option(names = "--candidate", paramLabel = "MODEL", description = "The new model, e.g. digits-mlp@2.")
    String candidate;

    @Option(names = "--baseline", paramLabel = "MODEL", description = "The model to beat, e.g. digits-mlp@1.")
    String baseline;

    @Option(names = "--sweep", paramLabel = "ID", description = {"Instead: rank the versions tagged sweep:ID on their validation",
        "split, tag the best best-of:ID and compare it with the champion (slurm/sweep.sbatch's final job)."})
    String sweep;

    @Option(names = "--grid", paramLabel = "GRID", description = "With --sweep: take the selection metric from this grid's select.")
    Path grid;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.05", description = "Significance level; default ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "" + ModelComparer.DEFAULT_RESAMPLES,
            description = "Paired bootstrap samples; default ${DEFAULT-VALUE}.")
    int resamples;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        if (sweep != null) {
            if (candidate != null || baseline != null) {
                throw new UsageException("Give either --sweep ID or --candidate and --baseline, not both");
            }
            return compareSweep(cli);
        }
        if (candidate == null || baseline == null) {
            throw new UsageException("Missing " + (candidate == null ? "--candidate" : "--baseline") + ": keel compare --candidate MODEL "
                    + "--baseline MODEL, or keel compare --sweep ID");
        }
        Comparison c = cli.run("compare", Access.to(candidate, Permissions.MODEL_EVALUATE), run -> new ModelComparer(run).compare(candidate, baseline, alpha, resamples));
        if (cli.json()) {
            cli.printJson(c);
            return 0;
        }
        print(cli, c);
        return 0;
    }

    private int compareSweep(Cli cli) {
        Optional<SweepGrid> select = Optional.ofNullable(grid).map(SweepGrid::read);
        SweepComparison.Result r = cli.run("compare", Access.to("sweep:" + sweep, Permissions.MODEL_EVALUATE, Permissions.MODEL_TAG),
                run -> new SweepComparison(run).compare(sweep, select.flatMap(SweepGrid::metric), select.flatMap(SweepGrid::maximise), alpha,
                        resamples));
        if (cli.json()) {
            cli.printJson(r);
            return 0;
        }
        cli.out().printf("Sweep %s: %d candidate(s) ranked by validation %s (%s is better)%n", r.sweep(), r.ranking().size(), r.metric(),
                r.maximise() ? "higher" : "lower");
        cli.out().printf("  %-4s %-20s %9s %12s %12s%n", "rank", "model", "candidate", "validation", "test");
        for (int i = 0; i < r.ranking().size(); i++) {
            SweepComparison.Ranked k = r.ranking().get(i);
            cli.out().printf(Locale.ROOT, "  %-4d %-20s %9s %12.4f %12s%n", i + 1, k.model(), k.candidate().map(String::valueOf).orElse("-"),
                    k.validation().get(r.metric()), k.test().containsKey(r.metric())
                            ? String.format(Locale.ROOT, "%.4f", k.test().get(r.metric())) : "-");
        }
        cli.out().printf("  best: %s (tagged best-of:%s)%n", r.best().model(), r.sweep());
        r.champion().ifPresentOrElse(c -> print(cli, c), () -> cli.out().println("  no other champion to compare with"));
        return 0;
    }

    private static void print(Cli cli, Comparison c) {
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
    }
}
