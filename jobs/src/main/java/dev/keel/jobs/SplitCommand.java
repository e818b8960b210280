package dev.keel.jobs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.error.ExitCode;
import dev.keel.run.RunEnvironment;
import dev.keel.split.SplitFractions;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRequest;
import dev.keel.split.SplitResult;
import dev.keel.split.SplitStatistics;
import dev.keel.split.SplitVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keel split}: materialise a deterministic split; {@code show} and {@code verify} its manifests. */
@Command(name = "split", mixinStandardHelpOptions = true,
        description = {"Split a dataset version into train/validation/test (or any named fractions) by hashing each row's key",
            "(or group) with the seed, and write it to splits/<name> as one new Delta version with a manifest in",
            "_keel/split_manifests. An identical request writes nothing. Exit 3 when the result is not whole."},
        subcommands = {SplitCommand.Show.class, SplitCommand.Verify.class})
final class SplitCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", description = "The dataset to split (required unless a subcommand is given).")
    String dataset;

    @Option(names = "--version", paramLabel = "N", description = "The dataset version (default: the latest).")
    Long version;

    @Option(names = "--fractions", paramLabel = "NAME=F,...", defaultValue = "train=0.8,val=0.1,test=0.1",
            description = "Named fractions summing to 1; default ${DEFAULT-VALUE}.")
    String fractions;

    @Option(names = "--seed", paramLabel = "S", description = "The hash seed (required): another seed is another split.")
    Long seed;

    @Option(names = "--key", arity = "1..*", split = ",", paramLabel = "COL",
            description = "Key columns (default: the primary key of the dataset's contract, else every column).")
    List<String> keys = List.of();

    @Option(names = "--group", paramLabel = "COL", description = "Keep all rows with the same value of COL in one split.")
    String group;

    @Option(names = "--stratify", paramLabel = "COL", description = "Keep each value of COL at its exact share in every split.")
    String stratify;

    @Override
    public Integer call() {
        if (dataset == null || seed == null) {
            throw new ParameterException(spec.commandLine(), "Missing " + (dataset == null ? "--dataset NAME" : "--seed S")
                    + ": keel split needs --dataset and --seed, or a subcommand (show, verify)");
        }
        Cli cli = parent.cli();
        SplitRequest request = new SplitRequest(dataset, Optional.ofNullable(version), SplitFractions.parse(fractions), seed, keys,
                Optional.ofNullable(group), Optional.ofNullable(stratify));
        SplitResult result = cli.run("split", Access.to(dataset, Permissions.DATA_SPLIT), run -> new SplitJob(run).split(request));
        if (cli.json()) {
            cli.printJson(result);
            return 0;
        }
        SplitManifest m = result.manifest();
        cli.out().println(result.unchanged()
                ? "Nothing to do: " + m.table() + " already holds this split of " + m.source()
                : "Split " + m.source() + " into " + m.table());
        print(cli, m, "");
        return 0;
    }

    /** The manifest in human form, each line indented by {@code indent}. */
    static void print(Cli cli, SplitManifest m, String indent) {
        cli.out().printf(indent + "  spec        %s, seed %d, key %s%s%s%n", m.spec().fractions(), m.spec().seed(), String.join(",", m.spec().keys()),
                m.spec().group().map(g -> ", grouped by " + g).orElse(""), m.spec().stratify().map(s -> ", stratified by " + s).orElse(""));
        SplitStatistics s = m.statistics();
        cli.out().printf(indent + "  %-10s %12s %7s  %-32s %s%n", "split", "rows", "share", "key hash", "row hash");
        for (Map.Entry<String, Long> split : s.rows().entrySet()) {
            cli.out().printf(indent + "  %-10s %,12d %6.1f%%  %-32s %s%n", split.getKey(), split.getValue(), 100.0 * split.getValue() / s.total(),
                    s.keyHashes().get(split.getKey()), s.rowHashes().get(split.getKey()));
        }
        if (!s.labels().isEmpty()) {
            cli.out().println(indent + "  rows per label:");
            s.labels().forEach((split, counts) -> cli.out().printf(indent + "    %-10s %s%n", split, counts));
        }
        cli.out().printf(indent + "  leaks       %d key(s)%s in more than one split%n", s.keyOverlap(),
                s.groupOverlap().map(g -> ", " + g + " group(s)").orElse(""));
        m.previous().ifPresent(p -> cli.out().printf(indent + "  stability   %s key(s) of v%d moved split%n",
                m.keysMoved().map(Object::toString).orElse("(key columns differ, not compared)"), p));
        cli.out().printf(indent + "  run         %s at %s%n", m.runId(), m.recordedAt());
    }

    private SplitReader reader(String command) {
        Cli cli = parent.cli();
        RunEnvironment env = cli.environment(command, cli.newRunId());
        return new SplitReader(env.store(), env.layout());
    }

    /** {@code keel split show NAME}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A split's manifest: spec, rows per split and label, content hashes, leaks, stability.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        SplitCommand split;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--version", paramLabel = "V", description = "The split table version (default: the latest).")
        Long version;

        @Option(names = "--all", description = "List every split of the dataset, one line each.")
        boolean all;

        @Override
        public Integer call() {
            Cli cli = split.parent.cli();
            SplitReader reader = split.reader("split-show");
            if (all) {
                List<SplitManifest> manifests = reader.manifests(dataset);
                if (cli.json()) {
                    cli.printJson(manifests);
                    return 0;
                }
                cli.out().printf("%-8s %-10s %-30s %-8s %s%n", "VERSION", "SOURCE", "FRACTIONS", "SEED", "ROWS");
                manifests.forEach(m -> cli.out().printf("%-8d %-10s %-30s %-8d %s%n", m.table().version(), "v" + m.source().version(),
                        m.spec().fractions(), m.spec().seed(), m.statistics().rows()));
                return 0;
            }
            SplitManifest m = reader.manifest(dataset, Optional.ofNullable(version));
            if (cli.json()) {
                cli.printJson(m);
            } else {
                cli.out().println(m.table() + " splits " + m.source());
                print(cli, m, "");
            }
            return 0;
        }
    }

    /** {@code keel split verify NAME}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute rows per split and label, content hashes and leaks of a split table version from Delta",
                "and compare them with its manifest. Exit 0 when they match, 3 on any difference or a version keel did not write."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        SplitCommand split;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
        String dataset;

        @Option(names = "--version", paramLabel = "V", description = "The split table version (default: the latest).")
        Long version;

        @Override
        public Integer call() {
            Cli cli = split.parent.cli();
            SplitReader reader = split.reader("split-verify");
            SplitManifest m = reader.manifest(dataset, Optional.ofNullable(version));
            cli.progress().info("verifying " + m.table() + " against its manifest");
            SplitVerification v = reader.verify(m);
            if (cli.json()) {
                cli.printJson(v);
            } else if (v.intact()) {
                cli.out().printf("Verified %s: rows, rows per label, key and row hashes of %d split(s) match its manifest; "
                        + "no key or group in two splits; %,d rows = %s%n", m.table(), m.statistics().rows().size(), v.sourceRows(),
                        m.source());
            } else {
                cli.out().println("MISMATCH " + m.table() + " does not match its manifest:");
                v.problems().forEach(p -> cli.out().println("  " + p));
            }
            return v.intact() ? 0 : ExitCode.DATA_QUALITY.code();
        }
    }
}
