package dev.keel.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.lineage.Lineage;
import dev.keel.lineage.LineageReader;
import dev.keel.registry.AliasChange;
import dev.keel.registry.ModelAnnotator;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelEntry;
import dev.keel.registry.ModelQuery;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.release.ModelExport;
import dev.keel.train.ModelMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel models}: the model registry, read without starting Spark; tags, owners and descriptions set on versions. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Registered model versions (_keel/models with their aliases and annotations), read without Spark.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Show.class, ModelsCommand.Search.class,
            ModelsCommand.Describe.class, ModelsCommand.Tag.class, ModelsCommand.Set.class, ModelsCommand.Export.class})
final class ModelsCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    private Registry registry() {
        Cli cli = parent.cli();
        return new ModelCatalog(cli.kernel(), cli.layout()).read();
    }

    /** Prints {@code entries} as a table, or says there are none with {@code none}. */
    private static void table(Cli cli, List<ModelEntry> entries, String none) {
        if (cli.json()) {
            cli.printJson(entries);
            return;
        }
        if (entries.isEmpty()) {
            cli.out().println(none);
            return;
        }
        cli.out().printf("%-20s %7s  %-20s %-10s %-28s %7s  %-36s %s%n", "model", "version", "created", "owner", "test split",
                "workers", "test metrics", "aliases / tags");
        for (ModelEntry e : entries) {
            ModelVersion v = e.model();
            List<String> marks = new ArrayList<>(e.aliases().stream().map(a -> "@" + a).toList());
            marks.addAll(e.tags());
            cli.out().printf("%-20s %7d  %-20s %-10s %-28s %7d  %-36s %s%n", v.name(), v.version(),
                    v.createdAt().toString().substring(0, 19), e.owner(), v.test().table().replaceAll(".*/", "") + "@v"
                            + v.test().version() + "#" + v.test().split(), v.workers(), ModelMetrics.format(v.metrics()),
                    String.join(" ", marks));
        }
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
            List<ModelEntry> entries = models.registry().entries().stream().filter(e -> name == null || e.model().name().equals(name))
                    .toList();
            table(models.parent.cli(), entries, name == null ? "No model is registered yet (keel train registers one)"
                    : "No version of model '" + name + "' is registered");
            return 0;
        }
    }

    /** {@code keel models search}. */
    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Versions matching every criterion given: name, tag, owner, dataset, alias, test-metric conditions.")
    static final class Search implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Option(names = "--name", paramLabel = "PATTERN", description = "Model name; * matches any characters.")
        String name;

        @Option(names = "--tag", paramLabel = "TAG", description = "A tag the version carries.")
        String tag;

        @Option(names = "--owner", paramLabel = "WHO", description = "The version's owner or accountable person.")
        String owner;

        @Option(names = "--dataset", paramLabel = "NAME", description = "The dataset its splits were cut from.")
        String dataset;

        @Option(names = "--alias", paramLabel = "ALIAS", description = "An alias pointing at it, e.g. champion.")
        String alias;

        @Parameters(paramLabel = "METRIC_CONDITION", arity = "0..*", description = "Test-metric conditions, e.g. 'accuracy>0.95'.")
        List<String> conditions = new ArrayList<>();

        @Override
        public Integer call() {
            ModelQuery query = new ModelQuery(Optional.ofNullable(name), Optional.ofNullable(tag), Optional.ofNullable(owner),
                    Optional.ofNullable(dataset), Optional.ofNullable(alias),
                    conditions.stream().map(ModelQuery.MetricFilter::parse).toList());
            table(models.parent.cli(), models.registry().entries().stream().filter(query::matches).toList(),
                    "No registered version matches");
            return 0;
        }
    }

    /** {@code keel models show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One version: artifact and checksum, spec, splits, metrics, run, owner, tags and alias history.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL", description = "NAME@VERSION, NAME@ALIAS, NAME@latest or NAME (the latest), e.g. digits-mlp@1.")
        String reference;

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            Registry registry = models.registry();
            ModelEntry e = registry.entry(registry.resolve(reference));
            ModelVersion v = e.model();
            if (cli.json()) {
                cli.printJson(e);
                return 0;
            }
            cli.out().printf("%s@%d (%s), registered %s by %s%n", v.name(), v.version(), v.task(), v.createdAt(), v.owner());
            e.description().ifPresent(d -> cli.out().printf("  about       %s%n", d));
            cli.out().printf("  owner       %s%s%n", e.owner(), e.accountable().map(a -> ", accountable: " + a).orElse(""));
            cli.out().printf("  aliases     %s%n  tags        %s%n", e.aliases().isEmpty() ? "-" : String.join(", ", e.aliases()),
                    e.tags().isEmpty() ? "-" : String.join(", ", e.tags()));
            cli.out().printf("  artifact    %s%n  sha256      %s%n", v.artifact(), v.modelSha256());
            cli.out().printf("  spec        %s (sha256 %s), seed %d%n", v.specFile(), v.specSha256(), v.seed());
            cli.out().printf("  trained on  %s%n  validated   %s%n  tested on   %s%n", v.train(), v.validation(), v.test());
            cli.out().printf("  test        %s%n", ModelMetrics.format(v.metrics()));
            Map<String, String> hyper = new TreeMap<>(v.hyperParameters());
            cli.out().printf("  training    %s%n", String.join(", ", hyper.entrySet().stream().map(h -> h.getKey() + "=" + h.getValue())
                    .toList()));
            cli.out().printf("  backend     %s, %d worker(s), run %s%n", v.backend(), v.workers(), v.runId());
            List<AliasChange> moves = registry.aliasChanges().stream()
                    .filter(c -> c.name().equals(v.name()) && (c.version() == v.version()
                            || c.previousVersion().filter(p -> p == v.version()).isPresent())).toList();
            for (AliasChange c : moves) {
                cli.out().printf("  alias       %s %s %s -> %d by %s%s: %s%n", c.createdAt().toString().substring(0, 19),
                        c.action().name().toLowerCase(java.util.Locale.ROOT), c.alias(), c.version(), c.actor(),
                        c.forced() ? " (forced)" : "", c.reason());
            }
            return 0;
        }
    }

    /** {@code keel models describe}. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "A version's features and label with types, spec, and lineage: splits, split manifest, dataset versions "
                    + "with quality metrics and source files, training run and code.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL", description = "NAME@VERSION, NAME@ALIAS or NAME@latest.")
        String reference;

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            Registry registry = models.registry();
            Lineage l = new LineageReader(cli.kernel(), cli.layout(), cli.hadoop()).read(registry.entry(registry.resolve(reference)));
            if (cli.json()) {
                cli.printJson(l);
                return 0;
            }
            ModelEntry e = l.model();
            ModelVersion v = e.model();
            cli.out().printf("%s (%s), owner %s%s; aliases %s; tags %s%n", e.ref(), v.task(), e.owner(),
                    e.accountable().map(a -> ", accountable " + a).orElse(""), e.aliases().isEmpty() ? "-" : String.join(", ", e.aliases()),
                    e.tags().isEmpty() ? "-" : String.join(", ", e.tags()));
            e.description().ifPresent(d -> cli.out().printf("  about      %s%n", d));
            Map<String, List<String>> byType = new TreeMap<>();
            l.features().forEach((name, type) -> byType.computeIfAbsent(type, t -> new ArrayList<>()).add(name));
            cli.out().printf("  features   %d: %s%n", l.features().size(), String.join("; ", byType.entrySet().stream()
                    .map(t -> t.getValue().size() + " " + t.getKey() + " (" + abbreviate(t.getValue()) + ")").toList()));
            l.label().forEach((name, type) -> cli.out().printf("  label      %s (%s)%n", name, type));
            l.splits().forEach((role, ref) -> cli.out().printf("  %-10s %s%n", role, ref));
            l.split().ifPresent(m -> cli.out().printf("  split      cut from %s@v%d by run %s at %s: seed %d, keys %s%s%s%n",
                    m.sourceTable(), m.sourceVersion(), m.runId(), m.recordedAt(), m.seed(),
                    m.keyColumns().isEmpty() ? "(all columns)" : String.join(", ", m.keyColumns()),
                    m.stratifyColumn().map(c -> ", stratified by " + c).orElse(""), m.groupColumn().map(c -> ", grouped by " + c).orElse("")));
            for (Lineage.DatasetVersionSummary d : l.datasets()) {
                cli.out().printf("  dataset    v%d %s by run %s: %,d read, %,d clean, %,d quarantined, %,d duplicate; contract %s (sha256 %s)%n",
                        d.version(), d.mode(), d.runId(), d.rowsRead(), d.rowsClean(), d.rowsQuarantined(), d.rowsDuplicate(),
                        d.contractFile(), abbreviated(d.contractSha256()));
                d.sourceFiles().forEach(f -> cli.out().printf("    file     %s (%s bytes, modified %s)%n", f.get("path"), f.get("size"),
                        f.get("modification_time")));
                cli.out().printf("    quality  %d column profile(s); dataset rules: %s%n", d.columnMetrics().size(), d.checks().isEmpty()
                        ? "none" : String.join(", ", d.checks().stream().map(c -> c.get("name") + (Boolean.TRUE.equals(c.get("passed"))
                                ? " ok" : " FAILED (" + c.get("observed") + ", expected " + c.get("expected") + ")")).toList()));
                d.columnMetrics().stream().filter(c -> c.get("null_fraction") instanceof Double n && n > 0)
                        .forEach(c -> cli.out().printf(java.util.Locale.ROOT, "    nulls    %s %.4f%n", c.get("column"), c.get("null_fraction")));
            }
            l.run().ifPresent(r -> cli.out().printf("  run        %s by %s on %s, keel %s commit %s, code sha256 %s, config %s, %s -> %s%s%n",
                    r.runId(), r.actor(), r.host(), r.keelVersion(), r.gitCommit(), abbreviated(r.codeSha256()),
                    abbreviated(r.configHash()), r.startedAt(), r.endedAt().map(Object::toString).orElse("(not ended)"),
                    r.slurmJobId().map(j -> ", Slurm job " + j).orElse("")));
            cli.out().printf("  spec       %s (sha256 %s)%n", v.specFile(), v.specSha256());
            l.specText().lines().forEach(line -> cli.out().println("    | " + line));
            return 0;
        }

        private static String abbreviate(List<String> names) {
            return names.size() <= 4 ? String.join(", ", names) : names.get(0) + ", " + names.get(1) + " ... " + names.get(names.size() - 1);
        }
    }

    /** {@code keel models export}. */
    @Command(name = "export", mixinStandardHelpOptions = true, description = {"A release bundle: model zip, manifest, spec, model card,",
        "lineage.json and SHA256SUMS (check with sha256sum -c). Needs model.export; audited."})
    static final class Export implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL", description = "NAME@VERSION or NAME@ALIAS, e.g. digits-mlp@champion.")
        String reference;

        @Option(names = "--to", required = true, paramLabel = "DIR", description = "A new or empty directory for the bundle.")
        java.nio.file.Path to;

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            ModelExport.Bundle b = cli.run("model-export", Access.to(reference, Permissions.MODEL_EXPORT),
                    run -> new ModelExport(run).export(reference, to));
            if (cli.json()) {
                cli.printJson(b);
            } else {
                cli.out().printf("Exported %s to %s: %d file(s) listed in %s%n", b.model(), b.directory().toAbsolutePath(), b.files().size(),
                        ModelExport.CHECKSUMS);
            }
            return 0;
        }
    }

    /** {@code keel models tag}. */
    @Command(name = "tag", mixinStandardHelpOptions = true, description = "Add or remove tags of a version (audited).")
    static final class Tag implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL", description = "The version, e.g. digits-mlp@2.")
        String reference;

        @Option(names = "--add", paramLabel = "TAG", description = "A tag to add; repeatable.")
        List<String> add = new ArrayList<>();

        @Option(names = "--remove", paramLabel = "TAG", description = "A tag to remove; repeatable.")
        List<String> remove = new ArrayList<>();

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            ModelEntry e = cli.run("model-tag", Access.to(reference, Permissions.MODEL_TAG),
                    run -> new ModelAnnotator(run).tag(reference, add, remove));
            cli.out().printf("%s tags: %s%n", e.ref(), e.tags().isEmpty() ? "-" : String.join(", ", e.tags()));
            return 0;
        }
    }

    /** {@code keel models set}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the owner, accountable person or description of a version (audited).")
    static final class Set implements Callable<Integer> {
        @ParentCommand
        ModelsCommand models;

        @Parameters(paramLabel = "MODEL", description = "The version, e.g. digits-mlp@2.")
        String reference;

        @Option(names = "--owner", paramLabel = "WHO", description = "Who owns the version (defaults to who trained it).")
        String owner;

        @Option(names = "--accountable", paramLabel = "WHO", description = "Who is accountable for its use.")
        String accountable;

        @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.")
        String description;

        @Override
        public Integer call() {
            Cli cli = models.parent.cli();
            ModelEntry e = cli.run("model-set", Access.to(reference, Permissions.MODEL_TAG),
                    run -> new ModelAnnotator(run).describe(reference, Optional.ofNullable(owner), Optional.ofNullable(accountable),
                            Optional.ofNullable(description)));
            cli.out().printf("%s owner %s%s%n", e.ref(), e.owner(), e.accountable().map(a -> ", accountable " + a).orElse(""));
            return 0;
        }
    }

    /** The first 12 characters of a hash, as git abbreviates commits; shorter values (an unpackaged build's) whole. */
    private static String abbreviated(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
