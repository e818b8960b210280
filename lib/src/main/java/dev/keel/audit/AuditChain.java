package dev.keel.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash chain that makes the audit trail tamper-evident. Each event's hash covers every one of
 * its fields and the previous event's hash, so altering, removing or reordering any event breaks
 * every later link; a truncated tail is caught by comparing against an {@link Anchor} kept elsewhere.
 *
 * <p>The canonical form is versioned ({@code keel-audit-v1}) and length-prefixes every field, so
 * no two different events share an input. Anyone can re-implement it to verify the table
 * independently: SHA-256 over {@code keel-audit-v1} followed, for each of seq, event id, time in
 * epoch microseconds, actor, action, subject, run id, details and previous hash, by
 * {@code <UTF-8 byte length>:<value>\n}.
 */
public final class AuditChain {
    /** The previous hash of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String hash(long seq, String eventId, Instant time, String actor, String action, String subject,
            String runId, String details, String prevHash) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        digest.update("keel-audit-v1\n".getBytes(StandardCharsets.UTF_8));
        field(digest, Long.toString(seq));
        field(digest, eventId);
        field(digest, Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, time)));
        field(digest, actor);
        field(digest, action);
        field(digest, subject);
        field(digest, runId);
        field(digest, details);
        field(digest, prevHash);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The hash {@code event} should carry, recomputed from its fields. */
    public static String expectedHash(AuditEvent event) {
        return hash(event.seq(), event.eventId(), event.time(), event.actor(), event.action(), event.subject(),
                event.runId(), event.details(), event.prevHash());
    }

    private static void field(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
        digest.update(bytes);
        digest.update((byte) '\n');
    }
}
