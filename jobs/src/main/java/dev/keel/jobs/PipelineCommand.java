package dev.keel.jobs;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.config.ConfigKeys;
import dev.keel.pipeline.Pipeline;
import dev.keel.pipeline.PipelineConfig;
import dev.keel.pipeline.StepOutcome;
import dev.keel.slurm.SlurmClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel pipeline}: one night of a retraining pipeline, each step a run, continuing a failed night where it stopped. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Ingest new files, gate their quality, split, train (here or on Slurm), evaluate, compare with the champion,",
            "check the gates, promote and write the model card, as conf/pipelines/<name>.properties says. Every step is a run;",
            "a run after a failure continues from the failed step; without new data training is skipped. Exit 4: rejected."})
final class PipelineCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The pipeline, e.g. conf/pipelines/digits.properties.")
    Path config;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        PipelineConfig c = PipelineConfig.read(config, context(cli));
        Pipeline.Result r = run(cli, c);
        if (cli.json()) {
            cli.printJson(r);
            return r.exitCode();
        }
        print(cli, c, r, "");
        return r.exitCode();
    }

    /** Where the config's names and {@code ${lake.root}} resolve for this invocation. */
    static PipelineConfig.Context context(Cli cli) {
        return new PipelineConfig.Context(cli.layout().root(), Path.of(cli.config().get(ConfigKeys.CONTRACTS_DIR)),
                Path.of(cli.config().get(ConfigKeys.MODELS_DIR)));
    }

    /** Runs the pipeline {@code c} as {@code cli}'s actor. */
    static Pipeline.Result run(Cli cli, PipelineConfig c) {
        Path home = Path.of(cli.config().get(ConfigKeys.KEEL_HOME));
        return cli.run("pipeline", Access.to(c.name()), run -> new Pipeline(c, cli::run, cli::releasePolicy,
                () -> SlurmClients.from(cli.config(), cli.actor().name()), home, cli.variables()).run(run));
    }

    /** The night's steps, one line each, and how it ended. */
    static void print(Cli cli, PipelineConfig c, Pipeline.Result r, String indent) {
        cli.out().printf("%sPipeline %s, attempt %s%s%n", indent, c.name(), r.attempt(), r.resumed() ? " (continued after a failure)" : "");
        for (StepOutcome s : r.steps()) {
            cli.out().printf("%s  %-9s %-9s %-26s %s%n", indent, s.step().label(), s.status().name().toLowerCase(Locale.ROOT),
                    s.runId().map(id -> "run " + id).orElse(""), s.message());
        }
        cli.out().println(indent + (r.exitCode() == 0 ? "  result: OK" : "  result: the candidate was rejected by its gates (exit 4)"));
    }
}
