package dev.keel.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.audit.Anchor;
import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditReader;
import dev.keel.audit.AuditVerification;
import dev.keel.error.ExitCode;
import dev.keel.error.UsageException;
import dev.keel.lake.Commit;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.run.RunEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keel audit note|tail|verify|anchor}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The append-only, tamper-evident audit trail in _keel/audit.",
        subcommands = {AuditCommand.Note.class, AuditCommand.Tail.class, AuditCommand.Verify.class, AuditCommand.AnchorHead.class})
final class AuditCommand extends CommandGroup {
    @ParentCommand
    KeelCommand parent;

    /** {@code keel audit note}: a person records an approval or a remark. */
    @Command(name = "note", mixinStandardHelpOptions = true,
            description = "Record an approval or remark about a subject (a model, a dataset, a run); audited like everything else.")
    static final class Note implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Option(names = "--subject", required = true, paramLabel = "S", description = "What the note is about, e.g. digits-mlp@3.")
        String subject;

        @Option(names = "--message", required = true, paramLabel = "M", description = "The note.")
        String message;

        @Override
        public Integer call() {
            if (subject.isBlank() || message.isBlank()) {
                throw new UsageException("Empty --subject or --message: a note needs both");
            }
            Cli cli = audit.parent.cli();
            AuditEvent event = cli.run("audit-note", Access.to(subject, Permissions.AUDIT_NOTE), run -> run.audit("note", subject, Map.of("message", message)));
            if (cli.json()) {
                cli.printJson(event);
            } else {
                cli.out().printf("Recorded note #%d on %s by %s (run %s)%n", event.seq(), subject, event.actor(), event.runId());
            }
            return 0;
        }
    }

    /** {@code keel audit tail}. */
    @Command(name = "tail", mixinStandardHelpOptions = true, description = "The newest audit events, oldest first.")
    static final class Tail implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Option(names = "-n", paramLabel = "N", defaultValue = "20", description = "How many events (default ${DEFAULT-VALUE}).")
        int n;

        @Override
        public Integer call() {
            if (n < 1) {
                throw new UsageException("Invalid -n " + n + ": ask for at least 1 event");
            }
            Cli cli = audit.parent.cli();
            String table = cli.layout().keel(KeelTable.AUDIT);
            List<AuditEvent> events = new AuditReader(cli.kernel(), table).tail(n);
            if (cli.json()) {
                cli.printJson(events);
                return 0;
            }
            if (events.isEmpty()) {
                cli.out().println("No audit events yet in " + table);
            }
            for (AuditEvent e : events) {
                cli.out().printf("%6d  %s  %-12s %-16s %-28s run %s  %s%n", e.seq(), e.time(), e.actor(), e.action(),
                        e.subject(), e.runId(), e.details());
            }
            return 0;
        }
    }

    /** {@code keel audit verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute the hash chain and check its tail against the newest anchor.",
                "Exit 0 when intact, 3 naming the first event that was altered, removed or reordered, or a cut-off tail."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Override
        public Integer call() {
            Cli cli = audit.parent.cli();
            RunEnvironment env = cli.environment("audit-verify", cli.newRunId());
            env.progress().info("verifying the audit chain in " + env.layout().keel(KeelTable.AUDIT));
            AuditVerification v = env.audit().verify();
            if (cli.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("intact", v.intact());
                doc.put("table", v.table());
                doc.put("events", v.events());
                doc.put("head_seq", v.headSeq());
                doc.put("head_hash", v.headHash());
                doc.put("breach", v.breach().orElse(null));
                doc.put("anchor", v.anchor().orElse(null));
                doc.put("events_after_anchor", v.anchor().map(a -> Math.max(0, v.headSeq() - a.seq())).orElse(v.headSeq()));
                doc.put("suspicious_commits", v.suspiciousCommits());
                cli.printJson(doc);
            } else {
                print(cli, v);
            }
            return v.intact() ? 0 : ExitCode.DATA_QUALITY.code();
        }

        private static void print(Cli cli, AuditVerification v) {
            if (v.intact()) {
                cli.out().printf("Audit chain intact: %d events, head #%d %s%n", v.events(), v.headSeq(), v.headHash());
            } else {
                cli.out().println("Audit chain BROKEN: " + v.breach().get().message());
            }
            v.anchor().ifPresentOrElse(
                    a -> cli.out().printf("Checked against anchor #%d (%s, %s by %s); %d event(s) follow it%n", a.seq(), a.location(),
                            a.time(), a.actor(), Math.max(0, v.headSeq() - a.seq())),
                    () -> cli.out().println("No anchor yet: every state-changing run anchors the chain as it ends; until one has, "
                            + "'keel audit anchor' makes sure that truncation is caught too."));
            for (Commit c : v.suspiciousCommits()) {
                cli.out().printf("Note: Delta commit %d on the audit table was %s %s at %s (run %s)%n", c.version(), c.operation(),
                        c.parameters(), c.timestamp(), c.userMetadata().orElse("none recorded"));
            }
        }
    }

    /** {@code keel audit anchor}. */
    @Command(name = "anchor", mixinStandardHelpOptions = true,
            description = {"Verify the chain, then write its head hash and count to audit.anchor.dir, outside the table,",
                "so that a later verify also catches a truncated tail. Refuses (exit 3) when the chain is broken."})
    static final class AnchorHead implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Override
        public Integer call() {
            Cli cli = audit.parent.cli();
            Anchor anchor = cli.run("audit-anchor", Access.to("audit", Permissions.AUDIT_ANCHOR), run -> {
                Anchor a = run.env().audit().anchor(run.actor().name());
                run.audit("audit.anchored", a.location(), Map.of("seq", a.seq(), "hash", a.hash(), "count", a.count()));
                return a;
            });
            if (cli.json()) {
                cli.printJson(anchor);
            } else {
                cli.out().printf("Anchored audit head #%d %s (%d events) at %s%n", anchor.seq(), anchor.hash(), anchor.count(),
                        anchor.location());
            }
            return 0;
        }
    }
}
