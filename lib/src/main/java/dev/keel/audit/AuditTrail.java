package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

import dev.keel.error.IntegrityException;
import dev.keel.lake.DeltaStore;

/**
 * The audit trail as jobs use it: the log, verified against the newest anchor, and anchoring
 * (which refuses to anchor a chain that does not verify).
 */
public final class AuditTrail {
    private final DeltaAuditLog log;
    private final AnchorStore anchors;
    private final DeltaStore store;
    private final Clock clock;

    public AuditTrail(DeltaStore store, String auditTable, AnchorStore anchors, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.log = new DeltaAuditLog(store, auditTable, clock);
        this.anchors = requireNonNull(anchors, "anchors");
        this.clock = requireNonNull(clock, "clock");
    }

    public AuditLog log() {
        return log;
    }

    public AnchorStore anchors() {
        return anchors;
    }

    public AuditEvent record(AuditDraft draft) {
        return log.append(draft);
    }

    /** Recomputes the chain and checks it against the newest anchor. */
    public AuditVerification verify() {
        return log.verify(anchors.newest());
    }

    /**
     * Verifies the chain, then anchors its head.
     *
     * @throws IntegrityException when the chain does not verify (nothing is anchored)
     * @throws IllegalStateException when the log is empty
     */
    public Anchor anchor(String actor) {
        AuditVerification verification = verify();
        verification.breach().ifPresent(b -> {
            throw new IntegrityException("Refusing to anchor a broken audit chain: " + b.message());
        });
        AuditEvent head = log.head().orElseThrow(() -> new IntegrityException(
                "Nothing to anchor: the audit log at " + log.path() + " has no events yet"));
        long deltaVersion = store.latest(log.path()).orElseThrow().version();
        return anchors.write(log.path(), head, verification.events(), deltaVersion, actor, clock.instant());
    }

    /**
     * Anchors {@code event}, which this process has just appended, without verifying the chain
     * first: a witness that the chain reached it, written by every state-changing run as it ends,
     * so that a later verify catches the removal of any run's events, however recent. Costs one
     * small file, not a walk of the chain; {@link #anchor} is the verified anchor for auditors.
     */
    public Anchor witness(AuditEvent event, String actor) {
        long deltaVersion = log.lastVersion().orElseGet(() -> store.latest(log.path()).orElseThrow().version());
        return anchors.write(log.path(), event, event.seq(), deltaVersion, actor, clock.instant());
    }
}
