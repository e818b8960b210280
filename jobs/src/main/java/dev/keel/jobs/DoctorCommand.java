package dev.keel.jobs;

import java.time.Duration;
import java.util.concurrent.Callable;

import dev.keel.doctor.Check;
import dev.keel.doctor.Doctor;
import dev.keel.doctor.DoctorReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel doctor}. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check Java, Spark, Delta, the ND4J backend and its devices, that lake.root is writable,",
            "and (when configured) that the S3 endpoint and slurmrestd answer.",
            "Exit 0 when healthy, 5 when a configured external system does not answer."})
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait for each external system (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        if (timeoutSeconds < 1) {
            throw new dev.keel.error.UsageException("Invalid --timeout " + timeoutSeconds + ": use at least 1 second");
        }
        DoctorReport report = new Doctor(cli.config(), Duration.ofSeconds(timeoutSeconds)).run();
        if (cli.json()) {
            cli.printJson(report);
        } else {
            report.checks().forEach(c -> cli.out().println(line(c)));
            cli.out().println(report.healthy() ? "keel is ready." : "keel is not ready: fix the FAIL lines above.");
        }
        return report.exitCode().code();
    }

    /** One check as a line of text: status mark, name, detail. */
    static String line(Check c) {
        String mark = switch (c.status()) {
            case OK -> "ok  ";
            case FAILED -> "FAIL";
            case NOT_CONFIGURED -> "--  ";
        };
        return String.format("%s %-9s %s", mark, c.name(), c.detail());
    }
}
