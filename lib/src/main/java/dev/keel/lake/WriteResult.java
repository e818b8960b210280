package dev.keel.lake;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a Delta write.
 *
 * @param version the version the write created, or the table's current version when it wrote nothing
 * @param written false when an idempotent write found its transaction already applied
 */
public record WriteResult(TableVersion version, boolean written) {
    public WriteResult {
        requireNonNull(version, "version");
    }
}
