package dev.keel.quality;

import static java.util.Objects.requireNonNull;

/**
 * Which row survives when several valid rows share a primary key.
 *
 * @param keep LATEST keeps the row with the greatest {@code orderBy}, EARLIEST the smallest
 * @param orderBy the column that orders duplicates (ties are broken by source file, then content)
 */
public record Dedup(Keep keep, String orderBy) {
    /** Which duplicate survives. */
    public enum Keep { LATEST, EARLIEST }

    public Dedup {
        requireNonNull(keep, "keep");
        requireNonNull(orderBy, "orderBy");
    }
}
