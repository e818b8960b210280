package dev.keel.audit;

import java.util.List;
import java.util.Optional;

/**
 * The append-only, tamper-evident audit trail. Appending assigns each event its place in the
 * hash chain; appends from any number of processes interleave without forking the chain.
 */
public interface AuditLog {

    /** Appends the drafts in order, as one commit, and returns them as chained events. */
    List<AuditEvent> append(List<AuditDraft> drafts);

    default AuditEvent append(AuditDraft draft) {
        return append(List.of(draft)).get(0);
    }

    /** The newest {@code n} events, oldest first. */
    List<AuditEvent> tail(int n);

    /** The current head (last event), empty when the log has no events. */
    Optional<AuditEvent> head();

    /**
     * Recomputes the whole chain, and checks its tail against {@code anchor} when given.
     * Never throws for a broken chain: the breach is in the result.
     */
    AuditVerification verify(Optional<Anchor> anchor);
}
