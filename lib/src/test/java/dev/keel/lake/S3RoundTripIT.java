package dev.keel.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.keel.audit.AnchorStore;
import dev.keel.audit.AuditDraft;
import dev.keel.audit.AuditTrail;
import dev.keel.audit.AuditVerification;
import dev.keel.audit.Breach;
import dev.keel.doctor.Check;
import dev.keel.doctor.Doctor;
import dev.keel.doctor.DoctorReport;
import dev.keel.error.ExitCode;
import dev.keel.testing.LocalS3;
import dev.keel.testing.SharedSpark;

/** The same Delta and audit writes as on local disk, against a real S3-compatible server through s3a://. */
@ExtendWith({SharedSpark.class, LocalS3.class})
class S3RoundTripIT {
    private final String root = "s3a://lake/it-" + UUID.randomUUID();

    @Test
    void deltaWritesReadsAndHistoryWorkOnS3(SparkSession spark) {
        DeltaStore store = new DeltaStore(spark);
        String table = root + "/datasets/numbers";
        assertEquals(0, store.append(table, spark.range(100).toDF(), WriteOptions.forRun("run-1")).version().version());
        WriteOptions once = WriteOptions.forRun("run-2").withTransaction("keel-it", 1);
        assertTrue(store.append(table, spark.range(10).toDF(), once).written());
        assertFalse(store.append(table, spark.range(10).toDF(), once).written());
        store.overwrite(table, spark.range(7).toDF(), WriteOptions.forRun("run-3"));

        assertEquals(7, store.read(table).count());
        assertEquals(100, store.read(new TableVersion(table, 0)).count());
        assertEquals(110, store.read(new TableVersion(table, 1)).count());
        List<Commit> history = store.history(table, 10);
        assertEquals(List.of("run-3", "run-2", "run-1"), history.stream().map(c -> c.userMetadata().orElseThrow()).toList());
        assertEquals("Overwrite", history.get(0).parameters().get("mode"));
    }

    /**
     * The log store's contract, one writer after another: S3Mock checks {@code If-None-Match} but
     * not atomically with the write (eight threads released at once saw two of them succeed), so
     * simultaneous creates cannot be tested against it; AWS S3 documents the check as atomic.
     */
    @Test
    void aCommitFileIsCreatedOnceAndNeverReplaced(SparkSession spark) throws Exception {
        assertEquals(ConditionalS3LogStore.class.getName(), spark.conf().get("spark.delta.logStore.s3a.impl"));
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path commit = new Path(root + "/race/_delta_log/00000000000000000000.json");
        ConditionalS3LogStore first = new ConditionalS3LogStore(conf);
        ConditionalS3LogStore second = new ConditionalS3LogStore(conf);
        first.write(commit, List.of("{\"writer\":1}").iterator(), false, conf);
        assertThrows(FileAlreadyExistsException.class, () -> second.write(commit, List.of("{\"writer\":2}").iterator(), false, conf));
        List<String> stored = new ArrayList<>();
        second.read(commit, conf).forEachRemaining(stored::add);
        assertEquals(List.of("{\"writer\":1}"), stored, "the commit holds the first writer's actions");

        second.write(commit, List.of("{\"writer\":2}").iterator(), true, conf);
        List<String> replaced = new ArrayList<>();
        first.read(commit, conf).forEachRemaining(replaced::add);
        assertEquals(List.of("{\"writer\":2}"), replaced, "an overwrite (Delta's _last_checkpoint) replaces");
    }

    @Test
    void theAuditChainVerifiesAnchorsAndCatchesTamperingOnS3(SparkSession spark) {
        DeltaStore store = new DeltaStore(spark);
        String table = root + "/_keel/audit";
        AuditTrail trail = new AuditTrail(store, table,
                new AnchorStore(spark.sparkContext().hadoopConfiguration(), root + "/_keel/audit_anchors"), Clock.systemUTC());
        for (int i = 1; i <= 4; i++) {
            trail.record(AuditDraft.of("ada", "note", "s3", "20261122-120000-0000000" + i, Map.of("i", i)));
        }
        assertTrue(trail.verify().intact());
        assertTrue(trail.anchor("ada").location().startsWith(root + "/_keel/audit_anchors/anchor-000000000004-"));

        spark.sql("ALTER TABLE delta.`" + table + "` SET TBLPROPERTIES ('delta.appendOnly' = 'false')");
        spark.sql("DELETE FROM delta.`" + table + "` WHERE seq = 4");
        AuditVerification v = trail.verify();
        assertEquals(Breach.Kind.TRUNCATED, v.breach().orElseThrow().kind());
        assertEquals(4, v.breach().orElseThrow().seq());
    }

    @Test
    void doctorReachesTheLakeOnS3AndReportsADownEndpoint() {
        DoctorReport healthy = new Doctor(LocalS3.config(Map.of("lake.root", root)), Duration.ofSeconds(5)).run();
        assertTrue(healthy.healthy(), healthy::toString);
        Check lake = healthy.checks().stream().filter(c -> c.name().equals("lake.root")).findFirst().orElseThrow();
        assertTrue(lake.detail().contains("reachable and writable (s3a, conditional writes for concurrent Delta commits)"),
                lake.detail());

        DoctorReport missingBucket = new Doctor(LocalS3.config(Map.of("lake.root", "s3a://no-such-bucket/x")),
                Duration.ofSeconds(5)).run();
        assertEquals(ExitCode.USAGE, missingBucket.exitCode());

        DoctorReport down = new Doctor(LocalS3.config(Map.of("lake.root", "s3a://lake/x", "s3.endpoint", "http://127.0.0.1:1",
                "s3.connect.timeout.ms", "500")), Duration.ofSeconds(2)).run();
        assertEquals(ExitCode.EXTERNAL_UNAVAILABLE, down.exitCode());
    }
}
