package dev.keel.audit;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;


import dev.keel.lake.Commit;
import dev.keel.lake.ConflictRetry;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.WriteOptions;
import dev.keel.lake.WriteResult;

/**
 * The audit trail as a Delta table ({@code delta.appendOnly}, so Delta itself refuses UPDATE and
 * DELETE until someone deliberately lifts the property, which {@link #verify} then reports).
 *
 * <p>Concurrent appenders: Delta blind appends never conflict, so on their own two processes could
 * both chain onto the same head. Every append therefore carries Delta's idempotent-write pair
 * ({@code txnAppId = keel-audit-chain}, {@code txnVersion = first seq of the batch}). Delta records
 * the pair in the commit and checks it against concurrent commits: of two appenders that read the
 * same head, exactly one commits and the other gets a conflict (or, if it started after the winner
 * committed, Delta skips its write, which shows as no commit of its own in the table's history). The loser
 * re-reads the head and retries, so the chain stays linear with any number of writer processes.
 * Writers also take turns through an advisory lock file ({@link AppendTurn}) so that they rarely
 * race at all; correctness never depends on the lock.
 */
public final class DeltaAuditLog implements AuditLog {
    /** The Delta application id all audit appends share; its transaction version is the batch's first seq. */
    public static final String CHAIN_APP_ID = "keel-audit-chain";

    public static final StructType SCHEMA = new StructType()
            .add("seq", DataTypes.LongType, false)
            .add("event_id", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, false)
            .add("actor", DataTypes.StringType, false)
            .add("action", DataTypes.StringType, false)
            .add("subject", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("details", DataTypes.StringType, false)
            .add("prev_hash", DataTypes.StringType, false)
            .add("hash", DataTypes.StringType, false);

    private static final Set<String> ROUTINE_OPERATIONS =
            Set.of("WRITE", "CREATE TABLE", "OPTIMIZE", "VACUUM START", "VACUUM END");

    private final DeltaStore store;
    private final String path;
    private final Clock clock;
    private final AuditReader reader;
    private volatile long lastVersion = -1;

    public DeltaAuditLog(DeltaStore store, String path, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.path = requireNonNull(path, "path");
        this.clock = requireNonNull(clock, "clock");
        this.reader = new AuditReader(store.kernel(), path);
    }

    public String path() {
        return path;
    }

    @Override
    public List<AuditEvent> append(List<AuditDraft> drafts) {
        if (drafts.isEmpty()) {
            throw new IllegalArgumentException("Cannot append to the audit log: no events given");
        }
        store.ensureTable(path, SCHEMA, List.of(), Map.of("delta.appendOnly", "true"));
        try (AppendTurn turn = AppendTurn.take(store.spark().sparkContext().hadoopConfiguration(), path)) {
            return ConflictRetry.standard().run("append to the audit log at " + path, () -> appendOnce(drafts));
        }
    }

    private List<AuditEvent> appendOnce(List<AuditDraft> drafts) {
        Optional<AuditEvent> head = head();
        long seq = head.map(AuditEvent::seq).orElse(0L);
        String prev = head.map(AuditEvent::hash).orElse(AuditChain.GENESIS);
        long first = seq + 1;
        List<AuditEvent> events = new ArrayList<>(drafts.size());
        for (AuditDraft d : drafts) {
            seq++;
            String eventId = UUID.randomUUID().toString();
            AuditEvent unhashed = new AuditEvent(seq, eventId, clock.instant(), d.actor(), d.action(), d.subject(),
                    d.runId(), d.details(), prev, "");
            String hash = AuditChain.expectedHash(unhashed);
            events.add(new AuditEvent(seq, eventId, unhashed.time(), d.actor(), d.action(), d.subject(), d.runId(),
                    d.details(), prev, hash));
            prev = hash;
        }
        SparkSession spark = store.spark();
        WriteResult result = store.append(path, spark.createDataFrame(events.stream().map(DeltaAuditLog::toRow).toList(), SCHEMA),
                WriteOptions.forRun(drafts.get(0).runId()).withTransaction(CHAIN_APP_ID, first));
        if (!result.written()) {
            throw new ConflictRetry.LostRace("Audit seq " + first + " was taken by a concurrent writer");
        }
        lastVersion = result.version().version();
        return events;
    }

    /** The Delta version of this log's last append from this process; empty before the first. */
    public Optional<Long> lastVersion() {
        return lastVersion < 0 ? Optional.empty() : Optional.of(lastVersion);
    }

    @Override
    public List<AuditEvent> tail(int n) {
        return reader.tail(n);
    }

    @Override
    public Optional<AuditEvent> head() {
        return reader.head();
    }

    @Override
    public AuditVerification verify(Optional<Anchor> anchor) {
        if (!store.exists(path)) {
            Optional<Breach> breach = anchor.map(a -> new Breach(Breach.Kind.TRUNCATED, 1, "",
                    "The audit table " + path + " does not exist, but anchor " + a.location() + " recorded "
                            + a.count() + " events up to seq " + a.seq()));
            return new AuditVerification(path, 0, 0, AuditChain.GENESIS, breach, anchor, List.of());
        }
        SparkSession spark = store.spark();
        String missing = spark.conf().get("spark.sql.files.ignoreMissingFiles");
        String corrupt = spark.conf().get("spark.sql.files.ignoreCorruptFiles");
        spark.conf().set("spark.sql.files.ignoreMissingFiles", "true");
        spark.conf().set("spark.sql.files.ignoreCorruptFiles", "true");
        try {
            return walk(anchor);
        } finally {
            spark.conf().set("spark.sql.files.ignoreMissingFiles", missing);
            spark.conf().set("spark.sql.files.ignoreCorruptFiles", corrupt);
        }
    }

    private AuditVerification walk(Optional<Anchor> anchor) {
        List<Commit> suspicious = store.history(path, Integer.MAX_VALUE).stream()
                .filter(c -> !ROUTINE_OPERATIONS.contains(c.operation())
                        || (c.operation().equals("WRITE") && !"Append".equals(c.parameters().get("mode"))))
                .toList();
        Iterator<Row> rows = store.read(path).orderBy(col("seq"), col("event_id")).toLocalIterator();
        long expected = 1;
        long count = 0;
        String prevHash = AuditChain.GENESIS;
        Optional<Breach> breach = Optional.empty();
        Optional<String> hashAtAnchor = Optional.empty();
        while (rows.hasNext()) {
            Row row = rows.next();
            count++;
            if (row.anyNull()) {
                Object seq = row.get(row.fieldIndex("seq"));
                if (breach.isEmpty()) {
                    breach = Optional.of(new Breach(Breach.Kind.ALTERED, seq == null ? expected : (Long) seq,
                            String.valueOf(row.get(row.fieldIndex("event_id"))),
                            "Audit event at seq " + seq + " was altered: some of its fields were set to NULL"));
                }
                expected = seq == null ? expected + 1 : Math.max(expected, (Long) seq + 1);
                continue;
            }
            AuditEvent e = fromRow(row);
            if (breach.isEmpty()) {
                breach = check(e, expected, prevHash);
            }
            if (anchor.isPresent() && e.seq() == anchor.get().seq() && hashAtAnchor.isEmpty()) {
                hashAtAnchor = Optional.of(e.hash());
            }
            expected = Math.max(expected, e.seq() + 1);
            prevHash = e.hash();
        }
        long headSeq = expected - 1;
        if (breach.isEmpty() && anchor.isPresent()) {
            breach = checkAnchor(anchor.get(), headSeq, hashAtAnchor);
        }
        return new AuditVerification(path, count, headSeq, prevHash, breach, anchor, suspicious);
    }

    private static Optional<Breach> check(AuditEvent e, long expected, String prevHash) {
        if (e.seq() < expected) {
            return Optional.of(new Breach(Breach.Kind.DUPLICATED, e.seq(), e.eventId(),
                    "Audit event " + e.eventId() + " claims seq " + e.seq() + ", which another event already holds: "
                            + "the chain was forked or an event was inserted"));
        }
        if (e.seq() > expected) {
            String range = e.seq() - 1 == expected ? "event " + expected + " is" : "events " + expected + ".." + (e.seq() - 1) + " are";
            return Optional.of(new Breach(Breach.Kind.REMOVED, expected, "",
                    "Audit " + range + " missing: removed from the table (by DELETE or by deleting or corrupting its files)"));
        }
        if (!e.prevHash().equals(prevHash)) {
            return Optional.of(new Breach(Breach.Kind.RELINKED, e.seq(), e.eventId(),
                    "Audit event " + e.seq() + " (" + e.eventId() + ") does not link to event " + (e.seq() - 1)
                            + ": an earlier event was rewritten with a recomputed hash, or events were reordered"));
        }
        if (!AuditChain.expectedHash(e).equals(e.hash())) {
            return Optional.of(new Breach(Breach.Kind.ALTERED, e.seq(), e.eventId(),
                    "Audit event " + e.seq() + " (" + e.eventId() + ", action " + e.action() + ") was altered: "
                            + "its fields no longer match its hash"));
        }
        return Optional.empty();
    }

    private static Optional<Breach> checkAnchor(Anchor a, long headSeq, Optional<String> hashAtAnchor) {
        if (headSeq < a.seq()) {
            return Optional.of(new Breach(Breach.Kind.TRUNCATED, headSeq + 1, "",
                    "The audit chain ends at seq " + headSeq + " but anchor " + a.location() + " (written " + a.time()
                            + " by " + a.actor() + ") recorded seq " + a.seq() + ": events " + (headSeq + 1) + ".."
                            + a.seq() + " were cut off"));
        }
        if (hashAtAnchor.isPresent() && !hashAtAnchor.get().equals(a.hash())) {
            return Optional.of(new Breach(Breach.Kind.ALTERED, a.seq(), "",
                    "Audit event " + a.seq() + " has hash " + hashAtAnchor.get() + " but anchor " + a.location()
                            + " recorded " + a.hash() + ": the chain up to it was rewritten"));
        }
        return Optional.empty();
    }

    static Row toRow(AuditEvent e) {
        return RowFactory.create(e.seq(), e.eventId(), Timestamp.from(e.time()), e.actor(), e.action(), e.subject(),
                e.runId(), e.details(), e.prevHash(), e.hash());
    }

    static AuditEvent fromRow(Row r) {
        return new AuditEvent(
                r.getLong(r.fieldIndex("seq")),
                r.getString(r.fieldIndex("event_id")),
                r.getTimestamp(r.fieldIndex("time")).toInstant(),
                r.getString(r.fieldIndex("actor")),
                r.getString(r.fieldIndex("action")),
                r.getString(r.fieldIndex("subject")),
                r.getString(r.fieldIndex("run_id")),
                r.getString(r.fieldIndex("details")),
                r.getString(r.fieldIndex("prev_hash")),
                r.getString(r.fieldIndex("hash")));
    }
}
