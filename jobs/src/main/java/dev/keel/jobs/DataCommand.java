package dev.keel.jobs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.config.ConfigKeys;
import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.history.ColumnDrift;
import dev.keel.history.DataHistory;
import dev.keel.history.DataMaintenance;
import dev.keel.history.DatasetDiff;
import dev.keel.history.DriftAnalysis;
import dev.keel.history.DriftReport;
import dev.keel.history.HistoryEntry;
import dev.keel.history.VacuumResult;
import dev.keel.lake.TableVersion;
import dev.keel.run.RunEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel data history|show|diff|restore|vacuum|drift}: a dataset's versions and their upkeep. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "A dataset's version history: read, compare, rewind and vacuum it, and measure drift.",
        subcommands = {DataCommand.History.class, DataCommand.Show.class, DataCommand.Diff.class, DataCommand.Restore.class,
            DataCommand.Vacuum.class, DataCommand.Drift.class})
final class DataCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    private RunEnvironment environment(String command) {
        Cli cli = parent.cli();
        return cli.environment(command, cli.newRunId());
    }

    private DataHistory history(String command) {
        RunEnvironment env = environment(command);
        return new DataHistory(env.store(), env.layout());
    }


    /** {@code keel data history NAME}. */
    @Command(name = "history", mixinStandardHelpOptions = true, description = "Every version of a dataset, newest first, "
            + "with the run that made it and its row counts.")
    static final class History implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Override
        public Integer call() {
            Cli cli = data.parent.cli();
            List<HistoryEntry> entries = data.history("data-history").history(dataset);
            if (cli.json()) {
                cli.printJson(entries);
                return 0;
            }
            cli.out().printf("%-8s %-24s %-16s %-26s %10s %10s %10s %s%n", "VERSION", "COMMITTED (UTC)", "OPERATION", "RUN",
                    "ROWS READ", "CLEAN", "QUARANT.", "SOURCES");
            for (HistoryEntry e : entries) {
                String read = e.ingest().map(v -> String.format("%,d", v.rowsRead())).orElse("-");
                String clean = e.ingest().map(v -> String.format("%,d", v.rowsClean()))
                        .orElse(Optional.ofNullable(e.metrics().get("numOutputRows")).orElse("-"));
                String quarantined = e.ingest().map(v -> String.format("%,d", v.rowsQuarantined())).orElse("-");
                String operation = e.ingest().map(v -> e.operation() + " (" + v.mode().lower() + ")").orElse(e.operation());
                String sources = e.ingest().map(v -> v.sourceFiles().size() + " file(s)").orElse("");
                cli.out().printf("%-8d %-24s %-16s %-26s %10s %10s %10s %s%n", e.version(), e.timestamp().toString(), operation,
                        e.runId().orElse("-"), read, clean, quarantined, sources);
            }
            return 0;
        }
    }

    /** {@code keel data show NAME}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Rows of one version of a dataset "
            + "(default: the latest).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--version", paramLabel = "N", description = "Read version N.")
        Long version;

        @Option(names = "--as-of", paramLabel = "TIME", description = "Read the version current at TIME "
                + "(UTC, e.g. 2026-11-23T10:00:00Z or '2026-11-23 10:00:00').")
        String asOf;

        @Option(names = "--limit", paramLabel = "K", defaultValue = "20", description = "At most K rows (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new UsageException("Invalid --limit " + limit + ": ask for at least 1 row");
            }
            Cli cli = data.parent.cli();
            DataHistory history = data.history("data-show");
            TableVersion version = history.resolve(dataset, Optional.ofNullable(this.version),
                    Optional.ofNullable(asOf).map(DataCommand::parseTime));
            var rows = history.rows(version);
            String[] columns = rows.columns();
            List<Row> shown = rows.limit(limit).collectAsList();
            if (cli.json()) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (Row r : shown) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 0; i < columns.length; i++) {
                        values.put(columns[i], r.isNullAt(i) ? null : r.get(i).toString());
                    }
                    out.add(values);
                }
                cli.printJson(Map.of("table", version.table(), "version", version.version(), "rows", out));
                return 0;
            }
            cli.out().printf("%s (%d row(s) shown)%n", version, shown.size());
            cli.out().println(String.join("\t", columns));
            for (Row r : shown) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < columns.length; i++) {
                    values.add(r.isNullAt(i) ? "null" : r.get(i).toString());
                }
                cli.out().println(String.join("\t", values));
            }
            return 0;
        }
    }

    /** {@code keel data diff NAME --from A --to B}. */
    @Command(name = "diff", mixinStandardHelpOptions = true, description = "What changed between two versions: row counts, "
            + "rows added and removed, schema, per-column metrics.")
    static final class Diff implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--from", required = true, paramLabel = "A", description = "The older version.")
        long from;

        @Option(names = "--to", required = true, paramLabel = "B", description = "The newer version.")
        long to;

        @Override
        public Integer call() {
            Cli cli = data.parent.cli();
            DatasetDiff diff = data.history("data-diff").diff(dataset, from, to);
            if (cli.json()) {
                cli.printJson(diff);
                return 0;
            }
            cli.out().printf("%s v%d -> v%d%n", dataset, from, to);
            cli.out().printf("  rows        %,d -> %,d (%+,d)%n", diff.rowsFrom(), diff.rowsTo(), diff.rowsTo() - diff.rowsFrom());
            diff.rowsOnlyInTo().ifPresent(n -> cli.out().printf("  added       %,d row(s) only in v%d%n", n, to));
            diff.rowsOnlyInFrom().ifPresent(n -> cli.out().printf("  removed     %,d row(s) only in v%d%n", n, from));
            if (diff.schemaChanges().isEmpty()) {
                cli.out().println("  schema      unchanged");
            } else {
                diff.schemaChanges().forEach(c -> cli.out().println("  schema      " + c.describe()));
            }
            List<DatasetDiff.MetricChange> changed = diff.columns().stream().filter(DatasetDiff.MetricChange::changed).toList();
            cli.out().printf("  metrics     %d of %d column(s) changed%n", changed.size(), diff.columns().size());
            if (!changed.isEmpty()) {
                cli.out().printf("    %-20s %12s %14s %12s %s%n", "COLUMN", "NULL FRAC Δ", "MEAN Δ", "DISTINCT Δ", "MIN..MAX");
            }
            for (DatasetDiff.MetricChange c : changed) {
                cli.out().printf(Locale.ROOT, "    %-20s %+12.4f %14s %+12d %s..%s -> %s..%s%n", c.column(), c.nullFractionDelta(),
                        c.meanDelta().map(d -> String.format(Locale.ROOT, "%+.4f", d)).orElse("-"), c.distinctDelta(),
                        c.from().min().orElse("null"), c.from().max().orElse("null"), c.to().min().orElse("null"),
                        c.to().max().orElse("null"));
            }
            return 0;
        }
    }

    /** {@code keel data restore NAME --version N}. */
    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Make an earlier version the latest again "
            + "(a new version; history is kept). Audited.")
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--version", required = true, paramLabel = "N", description = "The version to bring back.")
        long version;

        @Override
        public Integer call() {
            Cli cli = data.parent.cli();
            TableVersion restored = data.parent.cli().run("data-restore", Access.to(dataset, Permissions.DATA_RESTORE), run -> new DataMaintenance(run).restore(dataset, version));
            if (cli.json()) {
                cli.printJson(Map.of("dataset", dataset, "restored_version", version, "new_version", restored.version()));
            } else {
                cli.out().printf("Restored %s to version %d as new version %d (%s)%n", dataset, version, restored.version(),
                        restored.table());
            }
            return 0;
        }
    }

    /** {@code keel data vacuum NAME}. */
    @Command(name = "vacuum", mixinStandardHelpOptions = true, description = {
        "Delete data files that left the dataset longer ago than data.retention.files. Refuses (exit 3, nothing",
        "deleted) when a version pinned by a split manifest or a model still needs one of them, unless --force. Audited."})
    static final class Vacuum implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--force", description = "Delete files of pinned versions too (their time travel breaks).")
        boolean force;

        @Override
        public Integer call() {
            Cli cli = data.parent.cli();
            VacuumResult result = data.parent.cli().run("data-vacuum", Access.to(dataset, Permissions.DATA_VACUUM), run -> new DataMaintenance(run).vacuum(dataset, force));
            if (cli.json()) {
                cli.printJson(result);
                return 0;
            }
            if (result.propertiesAligned()) {
                cli.out().printf("Set %s's retention to the configured values (%s)%n", dataset, result.retention());
            }
            cli.out().printf("Vacuumed %s: %d file(s) deleted (older than %s); pinned versions %s%s%n", dataset,
                    result.filesDeleted(), result.retention(), result.pins().stream().map(TableVersion::version).toList(),
                    result.pinnedFilesDeleted() > 0 ? "; FORCED: " + result.pinnedFilesDeleted() + " file(s) of pinned versions deleted"
                            : "");
            return 0;
        }
    }

    /** {@code keel data drift NAME --from A --to B}. */
    @Command(name = "drift", mixinStandardHelpOptions = true, description = {
        "Population stability index of every column between two versions, stored in _keel/data_drift.",
        "A column drifts when its PSI exceeds data.drift.threshold; --fail-on-drift then exits 3."})
    static final class Drift implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--from", required = true, paramLabel = "A", description = "The reference version.")
        long from;

        @Option(names = "--to", required = true, paramLabel = "B", description = "The compared version.")
        long to;

        @Option(names = "--fail-on-drift", description = "Exit 3 when any column drifted (for schedulers).")
        boolean failOnDrift;

        @Override
        public Integer call() {
            Cli cli = data.parent.cli();
            double threshold = Double.parseDouble(cli.config().get(ConfigKeys.DRIFT_THRESHOLD));
            DriftReport report = data.parent.cli().run("data-drift", Access.to(dataset), run -> new DriftAnalysis(run).drift(dataset, from, to, threshold));
            if (cli.json()) {
                cli.printJson(report);
            } else {
                cli.out().printf(Locale.ROOT, "Drift of %s v%d -> v%d: %d of %d column(s) above PSI %.2f%n", dataset, from, to,
                        report.drifted().size(), report.columns().size(), threshold);
                cli.out().printf("  %-24s %-12s %5s %10s%n", "COLUMN", "KIND", "BINS", "PSI");
                for (ColumnDrift c : report.columns()) {
                    cli.out().printf(Locale.ROOT, "  %-24s %-12s %5d %10.4f%s%n", c.column(), c.kind(), c.bins(), c.psi(),
                            c.drifted() ? "  DRIFT" : "");
                }
            }
            if (failOnDrift && !report.drifted().isEmpty()) {
                throw new IntegrityException("Dataset " + dataset + " drifted between v" + from + " and v" + to + " in "
                        + report.drifted().stream().map(ColumnDrift::column).toList() + " (PSI above " + threshold + ")");
            }
            return 0;
        }
    }

    /** An instant in UTC: ISO-8601 with a zone, or a local date-time read as UTC. */
    static Instant parseTime(String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text.trim().replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new UsageException("Invalid --as-of '" + text + "': use an ISO time such as 2026-11-23T10:00:00Z "
                        + "or '2026-11-23 10:00:00' (UTC)");
            }
        }
    }
}
