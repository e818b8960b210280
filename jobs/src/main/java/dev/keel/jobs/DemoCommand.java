package dev.keel.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.keel.audit.Anchor;
import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditVerification;
import dev.keel.doctor.Doctor;
import dev.keel.doctor.DoctorReport;
import dev.keel.error.IntegrityException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;
import dev.keel.run.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keel demo}: the README's first command. Checks the machine, records a run, writes and
 * verifies audit events, anchors the chain, and says what it did and where to look.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run keel end to end on the configured lakehouse (default ./lakehouse) and explain what happened.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    KeelCommand parent;

    @Override
    public Integer call() {
        Cli cli = parent.cli();
        DoctorReport report = new Doctor(cli.config(), Duration.ofSeconds(5)).run();
        cli.out().println("1. Doctor");
        report.checks().forEach(c -> cli.out().println("   " + DoctorCommand.line(c)));
        if (!report.healthy()) {
            cli.out().println("   keel is not ready here; fix the FAIL lines and run the demo again.");
            return report.exitCode().code();
        }

        RunId id = cli.newRunId();
        RunEnvironment env = cli.environment("demo", id);
        AuditEvent note = RunContext.execute(env, id, "demo", cli.arguments(), run -> {
            try (RunContext.Step step = run.step("recording a demo approval note")) {
                return run.audit("note", "keel-demo", Map.of("message", "Foundation demo: run, audit and anchor"));
            }
        });
        RunRecord record = env.runs().find(id.value()).orElseThrow();
        cli.out().println("2. Run");
        cli.out().printf("   run %s (%s) %s, by %s on %s, code %s, config %s%n", record.runId(), record.kind(),
                record.status(), record.actor(), record.host(), record.gitCommit(), record.configHash().substring(0, 12));
        cli.out().printf("   recorded in %s%n", env.layout().keel(KeelTable.RUNS));

        cli.out().println("3. Audit trail");
        cli.out().printf("   event #%d '%s' on %s, chained to #%d with hash %s%n", note.seq(), note.action(), note.subject(),
                note.seq() - 1, note.hash().substring(0, 16));
        AuditVerification verification = env.audit().verify();
        if (!verification.intact()) {
            throw new IntegrityException("The demo's audit chain does not verify: " + verification.breach().get().message());
        }
        cli.out().printf("   chain verified: %d events, head #%d%n", verification.events(), verification.headSeq());
        Anchor anchor = env.audit().anchor(env.actor().name());
        cli.out().printf("   head anchored outside the table at %s%n", anchor.location());

        cli.out().println("Next: scripts/keel audit tail   scripts/keel audit verify   scripts/keel config show");
        return 0;
    }
}
