package dev.keel.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.ingest.DatasetVersion;
import dev.keel.ingest.DatasetVersions;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.lake.Commit;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.TableVersion;
import dev.keel.testing.ChildJvm;
import dev.keel.testing.LocalS3;
import dev.keel.testing.SharedSpark;

/**
 * Four keel processes write to one lake at once, for several rounds: two ingest new batches and
 * race for one shared file each round, one ingests batches that fail a dataset rule; two restore
 * the dataset, two split it, one vacuums it, and two move one alias back and forth. Afterwards
 * what keel's records say is checked against what Delta holds, read directly: every committed
 * version holds exactly its run's rows, no version holds a key twice, every quarantined row is
 * counted once, no run is left running, and the splits and the audit chain verify. On the local
 * file system and on s3a://.
 */
@ExtendWith({SharedSpark.class, LocalS3.class})
class ConcurrentWritersIT {
    static final String CONTRACT = """
            dataset: events
            format: csv
            columns:
              - { name: id, type: string, nullable: false }
              - { name: x1, type: double }
              - { name: x2, type: double }
              - { name: label, type: int, nullable: false }
            rules:
              - { name: x1_range, column: x1, range: { min: 0, max: 100 } }
            primary_key: [id]
            dataset_rules:
              max_quarantine_ratio: 0.2
            """;
    static final String SPEC = """
            model: events-mlp
            task: classification
            label: label
            classes: 3
            features: [x1, x2]
            network:
              type: mlp
              layers:
                - { type: dense, units: 8, activation: relu }
            training: { epochs: 2, batch_size: 16, seed: 3, learning_rate: 0.01 }
            normalisation: standardize
            """;
    private static final List<String> ROLES = List.of("ingest-a", "ingest-b", "bad", "maint");
    private static final int ROUNDS = 2;

    @Test
    void fourWritersOnALocalLakeLoseNothingAndRecordWhatHappened(SparkSession spark, @TempDir Path home) throws Exception {
        run(spark, home, home.resolve("lake").toString(), Map.of(), ROUNDS, 2);
    }


    /**
     * The same on s3a:// against the local S3-compatible server, one round, on a lake built on local
     * disk with its records written as older keel versions wrote them, then copied into the bucket
     * ({@link MovedLake}: every guarantee is checked in the copy before the writers start). Every
     * Delta commit goes through {@link dev.keel.lake.ConditionalS3LogStore}'s conditional creates.
     */
    @Test
    void fourWritersOnALakeMovedToS3LoseNothingAndRecordWhatHappened(SparkSession spark, @TempDir Path home) throws Exception {
        Map<String, String> s3 = new HashMap<>(LocalS3.ENVIRONMENT);
        s3.put("KEEL_S3_ENDPOINT", LocalS3.ENDPOINT);
        s3.put("KEEL_S3_PATH_STYLE_ACCESS", "true");
        s3.put("KEEL_S3_SSL_ENABLED", "false");
        run(spark, home, "s3a://lake/concurrent-" + UUID.randomUUID(), s3, 1, 1);
    }

    /**
     * Sets a lake up with {@code models} trained versions (on local disk, and copied to
     * {@code root} when that is elsewhere), runs the four writers for {@code rounds} rounds and
     * checks everything; {@code environment} reaches every keel process.
     */
    static void run(SparkSession spark, Path home, String root, Map<String, String> environment, int rounds, int models)
            throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        Path built = home.resolve("lake");
        CliHarness keel = harness(spark, home, env, built.toString());
        Files.writeString(home.resolve("events.yaml"), CONTRACT);
        Files.writeString(home.resolve("events-mlp.yaml"), SPEC);
        for (String seed : List.of("s", "t")) {
            Path file = Files.createDirectories(home.resolve("raw/seed")).resolve(seed + ".csv");
            Files.writeString(file, ConcurrentWorker.batch(seed, 0));
            assertOk(keel.run("ingest", "--dataset", "events", "--contract", home.resolve("events.yaml").toString(), "--source",
                    file.toString()));
        }
        assertOk(keel.run("split", "--dataset", "events", "--seed", "7"));
        for (int i = 0; i < models; i++) {
            assertOk(keel.run("train", "--spec", home.resolve("events-mlp.yaml").toString(), "--split", "events@0"));
        }
        boolean moved = !root.equals(built.toString());
        if (moved) {
            MovedLake.recordAbsolute(spark, built.toString());
            MovedLake.copy(spark.sparkContext().hadoopConfiguration(), built.toString(), root);
            Files.move(built, home.resolve("lake-gone"));
            keel = harness(spark, home, env, root);
            MovedLake.check(spark, keel, root, built.toString(), "events", "events-mlp@1");
        }
        env.put("KEEL_LAKE_ROOT", root);
        for (int round = 1; round <= rounds; round++) {
            Path shared = ConcurrentWorker.shared(home, round);
            Files.createDirectories(shared.getParent());
            Files.writeString(shared, ConcurrentWorker.batch("shared" + round, 0));
        }

        List<Process> workers = new ArrayList<>();
        for (String role : ROLES) {
            workers.add(ChildJvm.start(ConcurrentWorker.class, home.resolve(role + ".log"),
                    List.of("-Xmx900m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), env,
                    home.toString(), role, Integer.toString(rounds), Integer.toString(models)));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!ROLES.stream().allMatch(r -> Files.exists(home.resolve("ready-" + r)))) {
            assertTrue(System.nanoTime() < deadline, () -> "workers did not start:\n" + logs(home));
            assertTrue(workers.stream().allMatch(Process::isAlive), () -> "a worker died starting:\n" + logs(home));
            Thread.sleep(200);
        }
        Files.writeString(home.resolve("go"), "");
        for (Process w : workers) {
            assertTrue(w.waitFor(20, TimeUnit.MINUTES), () -> "a worker did not finish:\n" + logs(home));
        }
        for (int i = 0; i < workers.size(); i++) {
            int exit = workers.get(i).exitValue();
            assertEquals(0, exit, "worker " + ROLES.get(i) + " failed:\n" + logs(home));
        }
        System.out.println(logs(home));
        check(spark, keel, new LakeLayout(root), rounds, models, moved ? 1 : 0);
    }

    private static CliHarness harness(SparkSession spark, Path home, Map<String, String> env, String root) {
        CliHarness keel = new CliHarness(spark, home);
        env.forEach(keel::env);
        return keel.env("KEEL_LAKE_ROOT", root);
    }

    /** {@code restoredBefore}: restores made before the writers started. */
    private static void check(SparkSession spark, CliHarness keel, LakeLayout layout, int rounds, int models, int restoredBefore) {
        DeltaStore store = new DeltaStore(spark);
        String table = layout.dataset("events");
        Dataset<Row> quarantine = store.read(layout.quarantine("events"));
        List<DatasetVersion> attempts = new DatasetVersions(store, layout).of("events");
        Map<String, Long> quarantinedByRun = new TreeMap<>();
        int committedIngests = 0;
        int restores = 0;
        int rejected = 0;
        for (DatasetVersion a : attempts) {
            if (a.mode() == IngestMode.RESTORE) {
                restores++;
                TableVersion v = new TableVersion(table, a.version().orElseThrow());
                assertEquals(a.rowsClean(), store.read(v).count(), "restore " + a.runId() + " recorded the rows of its own version " + v);
                continue;
            }
            assertEquals(a.rowsRead(), a.rowsClean() + a.rowsQuarantined() + a.rowsDuplicate(), "conservation of " + a.runId());
            quarantinedByRun.merge(a.runId(), a.rowsQuarantined(), Long::sum);
            if (a.status() == DatasetVersion.Status.COMMITTED) {
                committedIngests++;
                TableVersion v = new TableVersion(table, a.version().orElseThrow());
                assertEquals(a.rowsClean(), store.read(v).filter(col(IngestJob.RUN_ID).equalTo(a.runId())).count(),
                        "version " + v + " holds exactly the rows its run " + a.runId() + " recorded");
            } else {
                rejected++;
                assertTrue(a.version().isEmpty(), () -> "a rejected attempt left a version: " + a);
                assertEquals(0, store.read(table).filter(col(IngestJob.RUN_ID).equalTo(a.runId())).count(),
                        "rejected run " + a.runId() + " left rows in the clean table");
            }
        }
        assertEquals(2 + 2 * rounds, committedIngests, "the two seeds and one commit per ingest command of the good writers: "
                + attempts);
        assertEquals(2 * rounds + restoredBefore, restores, "two restores per round");
        assertEquals(rounds, rejected, "one rejected ingest per round");
        Map<String, Long> quarantined = new TreeMap<>();
        quarantine.groupBy("run_id").count().collectAsList().forEach(r -> quarantined.put(r.getString(0), r.getLong(1)));
        quarantinedByRun.values().removeIf(n -> n == 0);
        assertEquals(quarantinedByRun, quarantined, "every quarantined row is in the quarantine once, under the run that counted it");

        long latest = store.latest(table).orElseThrow().version();
        List<Commit> history = store.history(table, Integer.MAX_VALUE);
        int undone = 0;
        for (long v = 0; v <= latest; v++) {
            Dataset<Row> rows = store.read(new TableVersion(table, v));
            if (rows.count() == rows.select("id").distinct().count()) {
                continue;
            }
            Commit made = store.commit(new TableVersion(table, v)).orElseThrow();
            long at = v;
            assertTrue(history.stream().anyMatch(c -> c.version() > at && c.operation().equals("DELETE")
                    && c.userMetadata().equals(made.userMetadata())), "version " + v + " holds a key twice and its run "
                    + made.userMetadata() + " did not undo it: " + history);
            assertTrue(attempts.stream().noneMatch(a -> a.version().equals(java.util.Optional.of(at))),
                    "version " + v + " holds a key twice but is recorded as a dataset version");
            undone++;
        }
        long retried = store.read(layout.keel(KeelTable.AUDIT)).filter(col("action").equalTo("dataset.ingest_retried")).count();
        System.out.println("ingest attempts retried after a concurrent commit: " + retried + "; versions holding a key twice until "
                + "their own run undid them: " + undone);
        Dataset<Row> runs = store.read(layout.keel(KeelTable.RUNS));
        assertEquals(0, runs.filter(col("status").equalTo("RUNNING")).count(), "no run is left running");

        long splits = store.latest(layout.splits("events")).orElseThrow().version();
        for (long v = 0; v <= splits; v++) {
            assertOk(keel.run("split", "verify", "events", "--version", Long.toString(v)));
        }
        CliHarness.Result audit = keel.run("audit", "verify");
        assertOk(audit);
        Dataset<Row> ends = store.read(layout.keel(KeelTable.AUDIT)).filter(col("action").isin("run.started", "run.succeeded",
                "run.failed")).groupBy("run_id").count();
        assertEquals(runs.count(), ends.filter(col("count").equalTo(2)).count(), "every run's start and end are in the one chain "
                + "that five processes appended to: " + audit.out());

        if (models == 0) {
            return;
        }
        Map<String, List<Long>> changes = new TreeMap<>();
        store.read(layout.keel(KeelTable.MODEL_ALIASES)).orderBy("change").collectAsList().forEach(r -> changes
                .computeIfAbsent(r.getString(r.fieldIndex("name")) + "@" + r.getString(r.fieldIndex("alias")), k -> new ArrayList<>())
                .add(r.getLong(r.fieldIndex("change"))));
        List<Long> champion = changes.get("events-mlp@champion");
        assertFalse(champion == null || champion.isEmpty(), "the alias moved");
        for (int i = 0; i < champion.size(); i++) {
            assertEquals(i + 1L, champion.get(i), "alias changes are numbered once each: " + champion);
        }
    }

    private static void assertOk(CliHarness.Result r) {
        assertEquals(0, r.exit(), r::toString);
    }

    private static String logs(Path home) {
        StringBuilder out = new StringBuilder();
        for (String role : ROLES) {
            try {
                Path log = home.resolve(role + ".log");
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                out.append("== ").append(role).append('\n');
                lines.stream().filter(l -> l.startsWith(role + ":") || l.startsWith("UNEXPECTED") || l.startsWith("exit ")
                        || l.startsWith("---") || l.startsWith("Exception") || l.contains("Error")).limit(200)
                        .forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append(e).append('\n');
            }
        }
        return out.toString();
    }
}
