package dev.keel.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.audit.Anchor;
import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditVerification;
import dev.keel.config.ConfigKeys;
import dev.keel.config.Locations;
import dev.keel.demo.DigitsDrop;
import dev.keel.demo.DropManifest;
import dev.keel.doctor.Doctor;
import dev.keel.doctor.DoctorReport;
import dev.keel.error.ExitCode;
import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.pipeline.Pipeline;
import dev.keel.pipeline.PipelineConfig;
import dev.keel.pipeline.Step;
import dev.keel.registry.ModelCatalog;
import dev.keel.report.ComplianceReport;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;
import dev.keel.run.RunRecord;
import dev.keel.train.ModelSpecParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keel demo}: the README's first command. Checks the machine, records a run, writes and
 * verifies audit events, anchors the chain, then runs the nightly pipeline
 * ({@code conf/pipelines/digits.properties}) for two nights as its service account: night 1 on
 * the shipped digits drop with its injected dirt (ingest, quality gate, split, the first model
 * trained, gated and promoted to champion), night 2 on a new batch of scans (new data and split
 * versions, a challenger compared with the champion, a promotion decision). Ends with the model
 * cards, a compliance report and every analyst notebook run against the lakehouse, and where to look.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run keel end to end on the configured lakehouse (default ./lakehouse): two nights of the retraining",
            "pipeline (conf/pipelines/digits.properties), then the reports and the analysts' notebooks; explain what happened."})
final class DemoCommand implements Callable<Integer> {
    /** Who the demo runs the nightly pipeline as: the release service account of conf/access-policy.yaml, as conf/crontab.example does. */
    static final String PIPELINE_ACTOR = "release-bot";

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
        AuditEvent note = RunContext.execute(env, id, "demo", cli.arguments(), Access.to("keel-demo", Permissions.AUDIT_NOTE), run -> {
            try (RunContext.Step step = run.step("recording a demo approval note")) {
                return run.audit("note", "keel-demo", Map.of("message", "Demo: two nights of the retraining pipeline"));
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

        Path file = Path.of(cli.config().get(ConfigKeys.PIPELINE_DIR)).resolve("digits.properties");
        PipelineConfig pipeline = PipelineConfig.read(file, PipelineCommand.context(cli));
        Cli nightly = cli.actingAs(PIPELINE_ACTOR);
        Configuration hadoop = env.spark().sparkContext().hadoopConfiguration();
        String landing = env.layout().raw("digits");

        cli.out().printf("4. Night 1: the shipped drop, then keel pipeline --config %s (as %s)%n", file, PIPELINE_ACTOR);
        DropManifest first = DigitsDrop.shipped().write(hadoop, landing);
        cli.out().printf("   raw drop: %d real images in %d files at %s, with %d injected faults (%d rescans)%n",
                DigitsDrop.shipped().images(), first.files().size(), landing, first.faults().size(), first.expectedDuplicates());
        int night1 = night(nightly, pipeline, first);
        if (night1 != 0) {
            return night1;
        }

        cli.out().printf("5. Night 2: a new batch of scans, then the pipeline again%n");
        DropManifest second = DigitsDrop.shipped().writeBatch(hadoop, landing, 2);
        cli.out().printf("   new file %s: %d scans, %d of them dirty%n", second.files().get(0), second.lines(), second.expectedQuarantined());
        int night2 = night(nightly, pipeline, second);
        if (night2 != 0 && night2 != ExitCode.MODEL_GATE.code()) {
            return night2;
        }

        cli.out().println("6. Reports");
        String reports = pipeline.reports();
        ComplianceReport.Result compliance = cli.run("report", Access.to("compliance"), run -> new ComplianceReport(run).write(
                Instant.EPOCH, Locations.join(reports, "compliance")));
        ModelCatalog catalog = new ModelCatalog(env.store().kernel(), env.layout());
        String model = ModelSpecParser.parse(pipeline.spec()).name();
        catalog.read().versions(model).forEach(v -> cli.out().printf("   model card %s@%d: %s%n", v.name(), v.version(),
                Locations.join(reports, v.name() + "-" + v.version(), "index.html")));
        cli.out().printf("   compliance report: %s (%d audited actions, chain %s)%n", compliance.page(), compliance.events(),
                compliance.intact() ? "intact" : "BROKEN");
        Path notebooks = Path.of(cli.config().get(ConfigKeys.NOTEBOOK_DIR));
        List<Path> files;
        try (Stream<Path> listed = Files.list(notebooks)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new UsageException("Cannot list the analysts' notebooks in " + notebooks + " (" + e.getClass().getSimpleName()
                    + "): set notebook.dir to the notebooks-export directory");
        }
        cli.out().printf("   analysts' notebooks from %s, run against this lakehouse:%n", notebooks);
        NotebookCommand.runAll(cli, files, Locations.join(reports, "notebooks"), "     ");
        cli.out().println("Next: scripts/keel models list   scripts/keel models show digits-mlp@champion   scripts/keel usage   "
                + "scripts/keel audit tail   scripts/nightly-retrain.sh");
        return 0;
    }

    /** One night of the pipeline; when it ingested, checks that ingest quarantined exactly the rows the drop made dirty. */
    private static int night(Cli nightly, PipelineConfig pipeline, DropManifest drop) {
        Pipeline.Result r = PipelineCommand.run(nightly, pipeline);
        PipelineCommand.print(nightly, pipeline, r, "   ");
        r.steps().stream().filter(s -> s.step() == Step.INGEST && s.pipelineRun().equals(r.run())
                && Boolean.parseBoolean(s.outputs().get("new_data"))).findFirst()
                .ifPresent(ingest -> {
                    long quarantined = Long.parseLong(ingest.outputs().get("rows_quarantined"));
                    if (quarantined != drop.expectedQuarantined()) {
                        throw new IntegrityException("The demo drop's ingest quarantined " + quarantined + " rows, but "
                                + drop.expectedQuarantined() + " were made dirty: check conf/contracts/digits.yaml");
                    }
                    nightly.out().printf("   every injected fault was caught: %d row(s) quarantined with their reasons%n", quarantined);
                });
        return r.exitCode();
    }
}
