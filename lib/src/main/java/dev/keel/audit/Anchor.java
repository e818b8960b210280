package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A record of the chain's head, written outside the audit table: a later verification proves
 * that nothing up to {@code seq} was cut off or rewritten.
 *
 * @param table the audit table's location
 * @param seq the head event's seq
 * @param hash the head event's hash
 * @param count how many events the table held
 * @param deltaVersion the audit table's Delta version when anchored
 * @param time when it was written
 * @param actor who wrote it
 * @param location where it was written
 */
public record Anchor(String table, long seq, String hash, long count, long deltaVersion, Instant time, String actor,
        String location) {
    public Anchor {
        requireNonNull(table, "table");
        requireNonNull(hash, "hash");
        requireNonNull(time, "time");
        requireNonNull(actor, "actor");
        requireNonNull(location, "location");
    }
}
