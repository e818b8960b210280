package dev.keel.jobs;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.error.ExitCode;
import dev.keel.error.UsageException;
import dev.keel.report.ComplianceReport;
import dev.keel.report.ModelCard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel report model|compliance}: HTML reports with charts, written to a directory. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "HTML reports: model cards and compliance.",
        subcommands = {ReportCommand.Model.class, ReportCommand.Compliance.class})
final class ReportCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    /** {@code keel report model}. */
    @Command(name = "model", mixinStandardHelpOptions = true, description = {"A model version's card: purpose, owner, lineage with",
        "data quality, training configuration, curves, confusion matrix, comparisons, metric history, gates, audit trail."})
    static final class Model implements Callable<Integer> {
        @ParentCommand
        ReportCommand report;

        @Parameters(paramLabel = "MODEL", description = "NAME@VERSION, NAME@ALIAS or NAME@latest.")
        String reference;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Directory for index.html and echarts.min.js (local, s3a:// or hdfs://).")
        String out;

        @Override
        public Integer call() {
            Cli cli = report.parent.cli();
            String page = cli.run("report", Access.to(reference), run -> new ModelCard(run).write(reference, out));
            cli.out().println("Model card written to " + page);
            return 0;
        }
    }

    /** {@code keel report compliance}. */
    @Command(name = "compliance", mixinStandardHelpOptions = true,
            description = "Every audited action since a date, by actor and by model, with the audit chain's verification.")
    static final class Compliance implements Callable<Integer> {
        @ParentCommand
        ReportCommand report;

        @Option(names = "--since", required = true, paramLabel = "DATE", description = "YYYY-MM-DD (UTC) or an ISO instant.")
        String since;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Directory for index.html and echarts.min.js (local, s3a:// or hdfs://).")
        String out;

        @Override
        public Integer call() {
            Cli cli = report.parent.cli();
            Instant from = parse(since);
            ComplianceReport.Result r = cli.run("report", Access.to("compliance"), run -> new ComplianceReport(run).write(from, out));
            cli.out().printf("Compliance report written to %s: %d event(s) since %s; audit chain %s%n", r.page(),
                    r.events(), from, r.intact() ? "intact" : "BROKEN");
            return r.intact() ? 0 : ExitCode.DATA_QUALITY.code();
        }

        private static Instant parse(String text) {
            try {
                return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new UsageException("Invalid --since '" + text + "': give a date such as 2026-11-01 or an instant such as "
                        + "2026-11-01T00:00:00Z");
            }
        }
    }
}
