package dev.keel.jobs;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelVersion;
import dev.keel.train.ModelMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel models list|show}: the model registry, read without starting Spark. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Registered model versions (_keel/models), read without Spark.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Show.class})
final class ModelsCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    private ModelCatalog catalog() {
        Cli cli = parent.cli();
        return new ModelCatalog(cli.kernel(), cli.layout().keel(KeelTable.MODELS));
    }

    /** {@code keel models list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every registered version, by name and version.")
    static final class ListVersions implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Option(names = "--name", paramLabel = "NAME", description = "Only this model's versions.")
        String name;

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            List<ModelVersion> versions = models.catalog().all().stream().filter(v -> name == null || v.name().equals(name)).toList();
            if (cli.json()) {
                cli.printJson(versions);
                return 0;
            }
            if (versions.isEmpty()) {
                cli.out().println(name == null ? "No model is registered yet (keel train registers one)"
                        : "No version of model '" + name + "' is registered");
                return 0;
            }
            cli.out().printf("%-20s %7s  %-20s %-10s %-28s %7s  %s%n", "model", "version", "created", "owner", "test split", "workers",
                    "test metrics");
            for (ModelVersion v : versions) {
                cli.out().printf("%-20s %7d  %-20s %-10s %-28s %7d  %s%n", v.name(), v.version(),
                        v.createdAt().toString().substring(0, 19), v.owner(), v.test().table().replaceAll(".*/", "") + "@v"
                                + v.test().version() + "#" + v.test().split(), v.workers(), ModelMetrics.format(v.metrics()));
            }
            return 0;
        }
    }

    /** {@code keel models show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One version: artifact and checksum, spec, hyper-parameters, the three splits it saw, test metrics, run.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL", description = "NAME@VERSION, NAME@latest or NAME (the latest), e.g. digits-mlp@1.")
        String reference;

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            ModelVersion v = models.catalog().resolve(reference);
            if (cli.json()) {
                cli.printJson(v);
                return 0;
            }
            cli.out().printf("%s@%d (%s), registered %s by %s%n", v.name(), v.version(), v.task(), v.createdAt(), v.owner());
            cli.out().printf("  artifact    %s%n  sha256      %s%n", v.artifact(), v.modelSha256());
            cli.out().printf("  spec        %s (sha256 %s), seed %d%n", v.specFile(), v.specSha256(), v.seed());
            cli.out().printf("  trained on  %s%n  validated   %s%n  tested on   %s%n", v.train(), v.validation(), v.test());
            cli.out().printf("  test        %s%n", ModelMetrics.format(v.metrics()));
            Map<String, String> hyper = new TreeMap<>(v.hyperParameters());
            cli.out().printf("  training    %s%n", String.join(", ", hyper.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .toList()));
            cli.out().printf("  backend     %s, %d worker(s), run %s%n", v.backend(), v.workers(), v.runId());
            return 0;
        }
    }
}
