package dev.keel.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code keel} command: global options and the list of subcommands. */
@Command(name = "keel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Versioned data, pinned splits, DL4J training and audited model releases on Apache Spark.",
        subcommands = {DoctorCommand.class, ConfigCommand.class, IngestCommand.class, DataCommand.class, SplitCommand.class,
            TrainCommand.class, ModelsCommand.class, EvaluateCommand.class, CompareCommand.class, GateCommand.class,
            PromoteCommand.class, RollbackCommand.class, ScoreCommand.class, ReproduceCommand.class, ReportCommand.class, AuditCommand.class,
            SlurmCommand.class, UsageCommand.class, PipelineCommand.class, NotebookCommand.class, DemoCommand.class})
final class KeelCommand extends CommandGroup {
    @Option(names = "--conf", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Configuration file (properties; may 'include' others), over conf/keel.properties.")
    Path conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT,
            description = "Set a configuration key; highest precedence; repeatable.")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine-readable output on stdout.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More logging, and stack traces on errors.")
    boolean verbose;

    private final Cli cli;

    KeelCommand(Cli cli) {
        this.cli = cli;
    }

    /** The invocation's context, with the global options applied. */
    Cli cli() {
        cli.globals(Optional.ofNullable(conf), sets, json, verbose);
        return cli;
    }
}
