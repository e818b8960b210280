package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import dev.keel.lake.Commit;

/**
 * The result of recomputing the audit chain.
 *
 * @param table the audit table
 * @param events how many events were read
 * @param headSeq the last event's seq (0 when empty)
 * @param headHash the last event's hash (the genesis hash when empty)
 * @param breach the first break, empty when the chain holds
 * @param anchor the newest anchor the tail was checked against, if any
 * @param suspiciousCommits Delta commits on the audit table that were not appends (UPDATE, DELETE,
 *     RESTORE, property changes): evidence of who touched it, even when the chain still holds
 */
public record AuditVerification(
        String table,
        long events,
        long headSeq,
        String headHash,
        Optional<Breach> breach,
        Optional<Anchor> anchor,
        List<Commit> suspiciousCommits) {

    public AuditVerification {
        requireNonNull(table, "table");
        requireNonNull(headHash, "headHash");
        requireNonNull(breach, "breach");
        requireNonNull(anchor, "anchor");
        suspiciousCommits = List.copyOf(requireNonNull(suspiciousCommits, "suspiciousCommits"));
    }

    public boolean intact() {
        return breach.isEmpty();
    }
}
