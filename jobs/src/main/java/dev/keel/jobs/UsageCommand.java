package dev.keel.jobs;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.slurm.UsageReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel usage}: GPU-hours and CPU-hours of the Slurm jobs keel ran, by model, user or week. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"GPU-hours and CPU-hours from _keel/compute_usage, by model, user or week, with the sampled CPU and GPU",
            "utilisation (read without Spark)."})
final class UsageCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Option(names = "--by", paramLabel = "model|user|week", defaultValue = "model", description = "Grouping; default ${DEFAULT-VALUE}.")
    String by;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        List<UsageReport.Line> lines = new UsageReport(cli.kernel(), cli.layout().keel(KeelTable.COMPUTE_USAGE)).by(by);
        if (cli.json()) {
            cli.printJson(lines);
        } else if (lines.isEmpty()) {
            cli.out().println("No compute recorded yet (keel train submit --wait records it)");
        } else {
            cli.out().printf("%-24s %6s %10s %10s %10s %8s %8s%n", by, "jobs", "GPU-hours", "CPU-hours", "hours", "CPU busy", "GPU busy");
            lines.forEach(l -> cli.out().printf(Locale.ROOT, "%-24s %6d %10.3f %10.3f %10.3f %8s %8s%n", l.key(), l.jobs(), l.gpuHours(),
                    l.cpuHours(), l.elapsedHours(), percent(l.cpuUtilisation()), percent(l.gpuUtilisation())));
        }
        return 0;
    }

    private static String percent(Optional<Double> share) {
        return share.map(s -> String.format(Locale.ROOT, "%.0f%%", 100 * s)).orElse("-");
    }
}
