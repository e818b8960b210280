package dev.keel.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.IntegrityException;
import dev.keel.lake.Commit;
import dev.keel.lake.DeltaStore;
import dev.keel.testing.SharedSpark;

/**
 * Every way of tampering with the audit trail that {@code keel audit verify} must catch: Delta
 * UPDATE and DELETE, reordering, rewriting a hash, editing or deleting the table's files, NULLs,
 * and truncating the tail (caught against an anchor).
 */
@ExtendWith(SharedSpark.class)
class AuditTamperTest {
    private static final String RUN = "20261122-120000-00000001";

    @TempDir
    Path lake;

    private SparkSession spark;
    private DeltaStore store;
    private String table;
    private AuditTrail trail;

    @BeforeEach
    void trail(SparkSession spark) {
        this.spark = spark;
        this.store = new DeltaStore(spark);
        this.table = lake.resolve("_keel/audit").toString();
        this.trail = new AuditTrail(store, table,
                new AnchorStore(spark.sparkContext().hadoopConfiguration(), lake.resolve("anchors").toString()), Clock.systemUTC());
    }

    /** Six events in one commit (one data file). */
    private void sixEventsAtOnce() {
        List<AuditDraft> drafts = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            drafts.add(AuditDraft.of("ada", "note", "model@" + i, RUN, Map.of("n", i)));
        }
        trail.log().append(drafts);
    }

    /** Six events, each in its own commit and data file. */
    private void sixEventsOneByOne() {
        for (int i = 1; i <= 6; i++) {
            trail.record(AuditDraft.of("ada", "note", "model@" + i, RUN, Map.of("n", i)));
        }
    }

    private void sql(String statement) {
        spark.sql(statement.replace("AUDIT", "delta.`" + table + "`"));
    }

    private void allowRewrites() {
        sql("ALTER TABLE AUDIT SET TBLPROPERTIES ('delta.appendOnly' = 'false')");
    }

    private Breach breach() {
        AuditVerification v = trail.verify();
        assertTrue(v.breach().isPresent(), "verify must catch the tampering");
        return v.breach().get();
    }

    @Test
    void anUntouchedChainVerifiesAndLinks() {
        sixEventsOneByOne();
        AuditVerification v = trail.verify();
        assertTrue(v.intact(), () -> v.breach().toString());
        assertEquals(6, v.events());
        assertEquals(6, v.headSeq());
        List<AuditEvent> events = trail.log().tail(6);
        assertEquals(AuditChain.GENESIS, events.get(0).prevHash());
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).hash(), events.get(i).prevHash());
            assertEquals(i + 1, events.get(i).seq());
        }
        assertEquals(events.get(5).hash(), v.headHash());
        assertTrue(v.suspiciousCommits().isEmpty(), v.suspiciousCommits()::toString);
    }

    @Test
    void deltaRefusesUpdatesWhileTheTableIsAppendOnly() {
        sixEventsAtOnce();
        Exception e = assertThrows(Exception.class, () -> sql("UPDATE AUDIT SET subject = 'x' WHERE seq = 3"));
        assertTrue(String.valueOf(e.getMessage()).contains("append"), e.getMessage());
    }

    @Test
    void anUpdatedEventIsNamed() {
        sixEventsAtOnce();
        allowRewrites();
        sql("UPDATE AUDIT SET subject = 'model@666' WHERE seq = 4");
        Breach b = breach();
        assertEquals(Breach.Kind.ALTERED, b.kind());
        assertEquals(4, b.seq());
        assertTrue(b.message().startsWith("Audit event 4 ("), b.message());
        List<String> operations = trail.verify().suspiciousCommits().stream().map(Commit::operation).toList();
        assertTrue(operations.contains("UPDATE") && operations.contains("SET TBLPROPERTIES"), operations.toString());
    }

    @Test
    void aDeletedEventIsNamed() {
        sixEventsAtOnce();
        allowRewrites();
        sql("DELETE FROM AUDIT WHERE seq = 3");
        Breach b = breach();
        assertEquals(Breach.Kind.REMOVED, b.kind());
        assertEquals(3, b.seq());
        assertEquals("Audit event 3 is missing: removed from the table (by DELETE or by deleting or corrupting its files)",
                b.message());
    }

    @Test
    void reorderedEventsAreCaught() {
        sixEventsAtOnce();
        allowRewrites();
        sql("UPDATE AUDIT SET seq = CASE seq WHEN 2 THEN 5 WHEN 5 THEN 2 ELSE seq END WHERE seq IN (2, 5)");
        Breach b = breach();
        assertEquals(2, b.seq());
        assertTrue(b.kind() == Breach.Kind.ALTERED || b.kind() == Breach.Kind.RELINKED, b.toString());
    }

    @Test
    void aRewrittenEventWithARecomputedHashBreaksTheNextLink() {
        sixEventsAtOnce();
        AuditEvent e = trail.log().tail(6).get(2);
        String forged = AuditChain.hash(e.seq(), e.eventId(), e.time(), "mallory", e.action(), e.subject(), e.runId(),
                e.details(), e.prevHash());
        allowRewrites();
        sql("UPDATE AUDIT SET actor = 'mallory', hash = '" + forged + "' WHERE seq = 3");
        Breach b = breach();
        assertEquals(Breach.Kind.RELINKED, b.kind());
        assertEquals(4, b.seq());
    }

    @Test
    void nullsAreCaught() {
        sixEventsAtOnce();
        allowRewrites();
        sql("ALTER TABLE AUDIT ALTER COLUMN details DROP NOT NULL");
        sql("UPDATE AUDIT SET details = NULL WHERE seq = 5");
        Breach b = breach();
        assertEquals(Breach.Kind.ALTERED, b.kind());
        assertEquals(5, b.seq());
    }

    @Test
    void anEditedDataFileIsCaught() throws IOException {
        sixEventsOneByOne();
        Path victim = dataFileHolding(2);
        Path scratch = lake.resolve("scratch");
        spark.read().parquet(victim.toString()).selectExpr("seq", "event_id", "time", "'mallory' AS actor", "action", "subject",
                "run_id", "details", "prev_hash", "hash").coalesce(1).write().parquet(scratch.toString());
        try (Stream<Path> files = Files.list(scratch)) {
            Path edited = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.copy(edited, victim, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(victim.resolveSibling("." + victim.getFileName() + ".crc"));
        Breach b = breach();
        assertEquals(2, b.seq());
        assertTrue(b.kind() == Breach.Kind.ALTERED || b.kind() == Breach.Kind.REMOVED, b.toString());
    }

    @Test
    void aDeletedDataFileIsCaught() throws IOException {
        sixEventsOneByOne();
        Files.delete(dataFileHolding(5));
        Breach b = breach();
        assertEquals(Breach.Kind.REMOVED, b.kind());
        assertEquals(5, b.seq());
    }

    @Test
    void aTruncatedTailIsCaughtAgainstTheAnchor() {
        sixEventsAtOnce();
        Anchor anchor = trail.anchor("auditor");
        assertEquals(6, anchor.seq());
        assertEquals(6, anchor.count());
        assertTrue(trail.verify().intact());

        allowRewrites();
        sql("DELETE FROM AUDIT WHERE seq > 4");
        AuditVerification v = trail.verify();
        Breach b = v.breach().orElseThrow();
        assertEquals(Breach.Kind.TRUNCATED, b.kind());
        assertEquals(5, b.seq());
        assertTrue(b.message().contains("events 5..6 were cut off"), b.message());
        assertEquals(Optional.of(anchor.location()), v.anchor().map(Anchor::location));
    }

    @Test
    void aRestoreToAnOlderVersionIsCaughtAgainstTheAnchor() {
        sixEventsOneByOne();
        trail.anchor("auditor");
        sql("RESTORE TABLE AUDIT TO VERSION AS OF 3");
        Breach b = breach();
        assertEquals(Breach.Kind.TRUNCATED, b.kind());
    }

    @Test
    void aBrokenChainIsNeverAnchored() {
        sixEventsAtOnce();
        allowRewrites();
        sql("DELETE FROM AUDIT WHERE seq = 2");
        IntegrityException e = assertThrows(IntegrityException.class, () -> trail.anchor("auditor"));
        assertTrue(e.getMessage().startsWith("Refusing to anchor a broken audit chain: Audit event 2 is missing"), e.getMessage());
        assertTrue(trail.anchors().newest().isEmpty());
    }

    /** The data file that holds event {@code seq}; every event was appended in its own commit and file. */
    private Path dataFileHolding(long seq) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of(table))) {
            all.filter(p -> p.toString().endsWith(".parquet")).forEach(files::add);
        }
        for (Path f : files) {
            long found = spark.read().parquet(f.toString()).filter("seq = " + seq).count();
            if (found == 1) {
                return f;
            }
        }
        throw new IllegalStateException("No data file holds seq " + seq);
    }
}
