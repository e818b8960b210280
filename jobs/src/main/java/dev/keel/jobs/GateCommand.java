package dev.keel.jobs;

import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.error.ExitCode;
import dev.keel.release.GateCheck;
import dev.keel.release.GateReport;
import dev.keel.release.GateResult;
import dev.keel.release.ReleasePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keel gate}: a model version against its release policy's gates; exit 0 when all pass, 4 otherwise. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Check a model version against the gates of release.dir/NAME.yaml: minimum metrics, no regression from",
            "the champion, per-slice guards, golden set, scoring latency. Exit 0 when every gate passes, 4 otherwise."})
final class GateCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Parameters(paramLabel = "MODEL", description = "NAME@VERSION, NAME@ALIAS or NAME@latest, e.g. digits-mlp@2.")
    String reference;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        ReleasePolicy policy = cli.releasePolicy(reference);
        GateReport report = cli.run("gate", Access.to(reference, Permissions.MODEL_EVALUATE),
                run -> new GateCheck(run).check(reference, policy));
        if (cli.json()) {
            cli.printJson(report);
        } else {
            cli.out().printf("%s on %s%s, gates of %s%n", report.model(), report.data(),
                    report.champion().map(c -> " against champion " + c).orElse(""), report.policy());
            for (GateResult r : report.results()) {
                cli.out().printf("  %-4s %-20s %s%n", r.passed() ? "PASS" : "FAIL", r.gate(), r.detail());
            }
            cli.out().printf("%s: %d of %d gate(s) passed%n", report.passed() ? "PASSED" : "FAILED",
                    report.results().size() - report.failed().size(), report.results().size());
        }
        return report.passed() ? ExitCode.OK.code() : ExitCode.MODEL_GATE.code();
    }
}
