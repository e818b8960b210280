package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One event of the audit trail, as stored in {@code _keel/audit}.
 *
 * @param seq position in the chain, from 1, without gaps
 * @param eventId random unique id
 * @param time when it happened, at microsecond precision (what Delta stores)
 * @param actor who did it
 * @param action what was done, dotted: {@code run.started}, {@code note}, {@code model.promoted}
 * @param subject what it was done to: a dataset, a model reference, a run id
 * @param runId the run it happened in
 * @param details JSON object with the action's particulars
 * @param prevHash the hash of event {@code seq - 1}, or 64 zeros for the first event
 * @param hash SHA-256 over this event's fields and {@code prevHash} ({@link AuditChain#hash})
 */
public record AuditEvent(
        long seq,
        String eventId,
        Instant time,
        String actor,
        String action,
        String subject,
        String runId,
        String details,
        String prevHash,
        String hash) {

    public AuditEvent {
        if (seq < 1) {
            throw new IllegalArgumentException("Cannot build audit event: seq must be at least 1, cannot be: " + seq);
        }
        requireNonNull(eventId, "eventId");
        time = requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(subject, "subject");
        requireNonNull(runId, "runId");
        requireNonNull(details, "details");
        requireNonNull(prevHash, "prevHash");
        requireNonNull(hash, "hash");
    }
}
