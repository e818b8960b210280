package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.keel.error.IntegrityException;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeRow;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;

/**
 * Reads the newest audit events without Spark (Delta Kernel), in milliseconds. Seqs only grow,
 * so after the first read only files holding events at or after the last head seen are opened
 * (Delta's statistics skip the others); a table that no longer reaches that far (it was
 * truncated) is read whole.
 */
public final class AuditReader {
    private final KernelTables kernel;
    private final String path;
    private long lastSeenSeq;

    public AuditReader(KernelTables kernel, String path) {
        this.kernel = requireNonNull(kernel, "kernel");
        this.path = requireNonNull(path, "path");
    }

    /** The last event, empty when the log has none (or does not exist yet). */
    public Optional<AuditEvent> head() {
        List<AuditEvent> recent = eventsFrom(lastSeenSeq);
        if (recent.isEmpty() && lastSeenSeq > 0) {
            recent = eventsFrom(0);
        }
        Optional<AuditEvent> head = recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(recent.size() - 1));
        head.ifPresent(h -> lastSeenSeq = h.seq());
        return head;
    }

    /** The newest {@code n} events, oldest first. */
    public List<AuditEvent> tail(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Cannot tail the audit log: n must be at least 1, cannot be: " + n);
        }
        Optional<AuditEvent> head = head();
        if (head.isEmpty()) {
            return List.of();
        }
        List<AuditEvent> events = eventsFrom(Math.max(1, head.get().seq() - n + 1));
        return events.subList(Math.max(0, events.size() - n), events.size());
    }

    /** Every event, oldest first. */
    public List<AuditEvent> all() {
        return eventsFrom(1);
    }

    private List<AuditEvent> eventsFrom(long from) {
        List<AuditEvent> events = new ArrayList<>();
        Predicate skipping = new Predicate(">=", new Column("seq"), Literal.ofLong(from));
        kernel.scan(path, Arrays.asList(DeltaAuditLog.SCHEMA.fieldNames()), Optional.of(skipping), row -> {
            if (!row.isNull("seq") && row.getLong("seq") >= from) {
                events.add(event(row));
            }
        });
        events.sort(Comparator.comparingLong(AuditEvent::seq));
        return events;
    }

    private static AuditEvent event(LakeRow r) {
        return new AuditEvent(r.getLong("seq"), nonNull(r.getString("event_id")), nonNull(r.getInstant("time")),
                nonNull(r.getString("actor")), nonNull(r.getString("action")), nonNull(r.getString("subject")),
                nonNull(r.getString("run_id")), nonNull(r.getString("details")), nonNull(r.getString("prev_hash")),
                nonNull(r.getString("hash")));
    }

    private static <T> T nonNull(T value) {
        if (value == null) {
            throw new IntegrityException("The audit log holds an event with NULL fields: it was tampered with; "
                    + "run 'keel audit verify'");
        }
        return value;
    }
}
