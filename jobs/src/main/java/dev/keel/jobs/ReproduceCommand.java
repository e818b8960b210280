package dev.keel.jobs;

import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.error.ExitCode;
import dev.keel.release.Reproduction;
import dev.keel.train.ModelMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel reproduce}: trains a registered version again and checks that it comes out the same; exit 4 when not. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Train a registered version again from its registry row (spec, split version, seed, workers) without",
            "registering it: one CPU worker must give a bit-identical model zip, parameter averaging metrics within 0.005.",
            "Exit 0 when it reproduces, 4 when it does not."})
final class ReproduceCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Parameters(paramLabel = "MODEL", description = "NAME@VERSION or NAME@ALIAS, e.g. digits-mlp@champion.")
    String reference;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        Reproduction.Result r = cli.run("reproduce", Access.to(reference, Permissions.MODEL_TRAIN),
                run -> new Reproduction(run).reproduce(reference));
        if (cli.json()) {
            cli.printJson(r);
        } else {
            cli.out().printf("%s registered  sha256 %s  %s%n", r.model(), r.registeredSha256(), ModelMetrics.format(r.registered()));
            cli.out().printf("%s reproduced  sha256 %s  %s%n", r.model(), r.reproducedSha256(), ModelMetrics.format(r.reproduced()));
            cli.out().printf("%s: %s (%s)%n", r.reproducedOk() ? "REPRODUCED" : "NOT REPRODUCED",
                    r.bitIdentical() ? "bit-identical" : "different bytes", r.rule());
        }
        return r.reproducedOk() ? ExitCode.OK.code() : ExitCode.MODEL_GATE.code();
    }
}
