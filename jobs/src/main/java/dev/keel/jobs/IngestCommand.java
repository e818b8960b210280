package dev.keel.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.config.ConfigKeys;
import dev.keel.error.UsageException;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;
import dev.keel.quality.CheckResult;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel ingest}: raw files in, a new version of a clean Delta table out, rejected rows quarantined. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Clean and validate raw files against the dataset's contract into datasets/<name>; rejected rows go",
            "to quarantine/<name> with every rule they broke. Files ingested before are skipped (overwrite reads all).",
            "Exit 3 when a dataset rule fails or rows are not conserved: then no new version is written."})
final class IngestCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "The dataset (datasets/NAME).")
    String dataset;

    @Option(names = "--source", required = true, arity = "1..*", paramLabel = "PATH_OR_GLOB",
            description = "Raw files, directories or globs: local, hdfs:// or s3a://. Repeatable.")
    List<String> sources;

    @Option(names = "--contract", paramLabel = "FILE",
            description = "The contract (default: NAME.yaml in quality.contracts.dir).")
    Path contract;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "append",
            description = "append (new files), overwrite (full refresh) or merge (upsert by primary key); default ${DEFAULT-VALUE}.")
    String mode;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        IngestMode ingestMode = IngestMode.parse(mode);
        Path contractFile = contract != null ? contract
                : Path.of(cli.config().get(ConfigKeys.CONTRACTS_DIR)).resolve(dataset + ".yaml");
        Contract parsed = ContractParser.parse(contractFile);
        if (!parsed.dataset().equals(dataset)) {
            throw new UsageException("Contract " + contractFile + " is for dataset '" + parsed.dataset() + "', not '" + dataset
                    + "': pass the right --contract or --dataset");
        }
        if (ingestMode == IngestMode.MERGE && parsed.primaryKey().isEmpty()) {
            throw new UsageException("--mode merge needs a primary_key in contract " + contractFile + ": declare one or use append");
        }
        IngestResult result = cli.run("ingest", Access.to(dataset, Permissions.DATA_INGEST), run -> new IngestJob(run).ingest(new IngestRequest(parsed, sources, ingestMode)));
        if (cli.json()) {
            cli.printJson(result);
        } else {
            print(cli, result, "");
        }
        return 0;
    }

    /** The human summary, each line indented by {@code indent}. */
    static void print(Cli cli, IngestResult r, String indent) {
        if (r.unchanged()) {
            cli.out().printf(indent + "Nothing new for %s: all %d source file(s) were ingested before; no version written%s%n",
                    r.dataset(), r.filesSkipped(), r.version().map(v -> " (current: v" + v.version() + ")").orElse(""));
            return;
        }
        cli.out().printf(indent + "Ingested %s (%s): %d file(s) read, %d skipped%n", r.dataset(), r.mode().lower(), r.filesRead(),
                r.filesSkipped());
        cli.out().printf(indent + "  rows read    %,10d%n", r.rowsRead());
        cli.out().printf(indent + "  clean        %,10d  -> %s%n", r.rowsClean(), r.version().map(Object::toString).orElse("-"));
        cli.out().printf(indent + "  quarantined  %,10d  -> %s%n", r.rowsQuarantined(), r.quarantine().map(Object::toString).orElse("-"));
        cli.out().printf(indent + "  duplicates   %,10d%n", r.rowsDuplicate());
        cli.out().printf(indent + "  conserved    %s%n", r.conserved() ? "yes (read = clean + quarantined + duplicates)" : "NO");
        if (!r.quarantinedByRule().isEmpty()) {
            cli.out().println(indent + "Top quarantine reasons:");
            r.quarantinedByRule().entrySet().stream().limit(8)
                    .forEach(e -> cli.out().printf(indent + "  %-32s %,8d%n", e.getKey(), e.getValue()));
        }
        long failed = r.checks().stream().filter(c -> !c.passed()).count();
        cli.out().printf(indent + "Rules checked: %d row rule(s), %d dataset rule(s)%s%n", r.rulesChecked(), r.checks().size(),
                failed == 0 ? " (all passed)" : " (" + failed + " failed)");
        for (CheckResult c : r.checks()) {
            cli.out().printf(indent + "  %-4s %-28s %s (needs %s)%n", c.passed() ? "ok" : "FAIL", c.name(), c.observed(), c.expected());
        }
    }
}
