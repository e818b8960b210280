package dev.keel.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.keel.access.Access;
import dev.keel.access.Permissions;
import dev.keel.audit.Anchor;
import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditVerification;
import dev.keel.config.ConfigKeys;
import dev.keel.demo.DigitsDrop;
import dev.keel.demo.DropManifest;
import dev.keel.doctor.Doctor;
import dev.keel.doctor.DoctorReport;
import dev.keel.error.IntegrityException;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import dev.keel.registry.ModelVersions;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;
import dev.keel.run.RunRecord;
import dev.keel.split.SplitFractions;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitRequest;
import dev.keel.split.SplitResult;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;
import dev.keel.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keel demo}: the README's first command. Checks the machine, records a run, writes and
 * verifies audit events, anchors the chain, ingests the shipped digits drop with its injected
 * dirt, splits it 80/10/10 stratified by label, trains the digits MLP on the split, and says
 * what it did and where to look.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run keel end to end on the configured lakehouse (default ./lakehouse) and explain what happened.")
final class DemoCommand implements Callable<Integer> {
    /** The demo split's seed: fixed, so every demo run makes the same split. */
    private static final long SPLIT_SEED = 7L;

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

        cli.out().println("4. Ingest");
        ingestDrop(cli);

        cli.out().println("5. Split");
        SplitManifest split = splitDigits(cli);

        cli.out().println("6. Train");
        trainDigits(cli, split);

        cli.out().println("Next: scripts/keel data history digits   scripts/keel data show digits --limit 5   "
                + "scripts/keel split verify digits   scripts/keel audit tail   scripts/keel audit verify");
        return 0;
    }

    /** Writes the digits drop (unchanged files stay untouched) and ingests what is new in it. */
    private static void ingestDrop(Cli cli) {
        Contract contract = ContractParser.parse(Path.of(cli.config().get(ConfigKeys.CONTRACTS_DIR)).resolve("digits.yaml"));
        record Ingested(DropManifest drop, IngestResult result) {
        }
        Ingested ingested = cli.run("ingest", Access.to("digits", Permissions.DATA_INGEST), run -> {
            String landing = run.env().layout().raw("digits");
            DropManifest written = DigitsDrop.shipped().write(run.env().spark().sparkContext().hadoopConfiguration(), landing);
            cli.out().printf("   raw drop: %d real images in %d files at %s, with %d injected faults (%d rescans)%n",
                    DigitsDrop.shipped().images(), written.files().size(), landing, written.faults().size(),
                    written.expectedDuplicates());
            return new Ingested(written, new IngestJob(run).ingest(new IngestRequest(contract, List.of(landing), IngestMode.APPEND)));
        });
        DropManifest drop = ingested.drop();
        IngestResult result = ingested.result();
        IngestCommand.print(cli, result, "   ");
        if (!result.unchanged()) {
            if (result.rowsQuarantined() != drop.expectedQuarantined() || result.rowsDuplicate() != drop.expectedDuplicates()) {
                throw new IntegrityException("The demo drop's ingest quarantined " + result.rowsQuarantined() + " and dropped "
                        + result.rowsDuplicate() + " duplicate rows, but " + drop.expectedQuarantined() + " and "
                        + drop.expectedDuplicates() + " were injected: check conf/contracts/digits.yaml");
            }
            cli.out().printf("   every injected fault was caught: %d quarantined, %d superseded originals dropped%n",
                    drop.expectedQuarantined(), drop.expectedDuplicates());
        }
    }

    /** Splits the digits 80/10/10, stratified by label, keyed by image id (the contract's primary key). */
    private static SplitManifest splitDigits(Cli cli) {
        SplitRequest request = new SplitRequest("digits", Optional.empty(), SplitFractions.parse("train=0.8,val=0.1,test=0.1"),
                SPLIT_SEED, List.of(), Optional.empty(), Optional.of("label"));
        SplitResult result = cli.run("split", Access.to("digits", Permissions.DATA_SPLIT), run -> new SplitJob(run).split(request));
        SplitManifest m = result.manifest();
        cli.out().printf("   %s %s%n", result.unchanged() ? "unchanged:" : "wrote", m.table() + " from " + m.source());
        SplitCommand.print(cli, m, "   ");
        return m;
    }

    /** Trains the digits MLP on the demo split with one worker, unless this spec was already trained on this split. */
    private static void trainDigits(Cli cli, SplitManifest split) {
        ModelSpec spec = ModelSpecParser.parse(Path.of(cli.config().get(ConfigKeys.MODELS_DIR)).resolve("digits-mlp.yaml"));
        RunEnvironment env = cli.environment("train", cli.newRunId());
        Optional<Long> before = new ModelVersions(env.store(), env.layout().keel(KeelTable.MODELS))
                .trainedBefore(spec.name(), spec.sha256(), split.ref("train"));
        if (before.isPresent()) {
            cli.out().printf("   unchanged: %s@%d was trained from %s on %s; train again with scripts/keel train --spec %s "
                    + "--split digits@%d%n", spec.name(), before.get(), spec.file(), split.ref("train"), spec.file(),
                    split.table().version());
            return;
        }
        TrainResult result = cli.run("train", Access.to(spec.name(), Permissions.MODEL_TRAIN, Permissions.MODEL_REGISTER), run -> new TrainJob(run).train(TrainRequest.local(spec, "digits", split.table().version())));
        TrainCommand.print(cli, result, "   ");
    }
}
