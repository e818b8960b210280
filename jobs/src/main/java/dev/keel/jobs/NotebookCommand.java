package dev.keel.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.keel.config.Locations;
import dev.keel.error.IntegrityException;
import dev.keel.notebook.Notebook;
import dev.keel.notebook.NotebookRunner;
import dev.keel.run.RunEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel notebook run}: analysts' SQL notebooks executed headless against the lakehouse into HTML reports. */
@Command(name = "notebook", mixinStandardHelpOptions = true, description = "Analysts' notebooks (Databricks SQL source exports).",
        subcommands = NotebookCommand.Run.class)
final class NotebookCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    /** {@code keel notebook run FILE... --out DIR}. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = {"Execute every SQL cell of each notebook on Spark against the",
        "lakehouse (each _keel table as the view keel_<table>) and write an HTML report with the result tables and charts.",
        "Exit 3 when a query fails or returns no rows where rows are expected."})
    static final class Run implements Callable<Integer> {
        @ParentCommand
        NotebookCommand notebook;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Notebooks, e.g. notebooks-export/*.sql.")
        List<Path> files;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Report directory; with several notebooks, one subdirectory per notebook.")
        Path out;

        @Override
        public Integer call() {
            runAll(notebook.parent.cli(), files, out.toString(), "");
            return 0;
        }
    }

    /**
     * Runs every notebook in {@code files} into {@code out} (with several, one subdirectory each,
     * named for the notebook), printing one line per report; every notebook runs even after one
     * fails, then any failure is an {@link IntegrityException} naming the failed notebooks.
     */
    static void runAll(Cli cli, List<Path> files, String out, String indent) {
        List<Notebook> notebooks = files.stream().map(Notebook::read).toList();
        RunEnvironment env = cli.environment("notebook", cli.newRunId());
        NotebookRunner runner = new NotebookRunner(env.store(), env.layout());
        List<String> failures = new ArrayList<>();
        for (Notebook n : notebooks) {
            String dir = notebooks.size() == 1 ? out : Locations.join(out, Path.of(n.file()).getFileName().toString()
                    .replaceFirst("\\.sql$", ""));
            try {
                NotebookRunner.Result r = runner.run(n, dir);
                long rows = r.cells().stream().mapToLong(NotebookRunner.CellResult::rows).sum();
                cli.out().printf("%s%s: %d queries, %d row(s); report %s%n", indent, n.file(), r.cells().size(), rows, r.page());
            } catch (IntegrityException e) {
                cli.err().println("keel: " + e.getMessage());
                failures.add(n.file());
            }
        }
        if (!failures.isEmpty()) {
            throw new IntegrityException(failures.size() + " of " + notebooks.size() + " notebook(s) failed: " + String.join(", ", failures));
        }
    }
}
