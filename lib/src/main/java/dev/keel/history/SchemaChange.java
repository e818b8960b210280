package dev.keel.history;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A column whose presence or type differs between two versions.
 *
 * @param column the column
 * @param before its type in the older version; empty when added
 * @param after its type in the newer version; empty when removed
 */
public record SchemaChange(String column, Optional<String> before, Optional<String> after) {
    public SchemaChange {
        requireNonNull(column, "column");
        requireNonNull(before, "before");
        requireNonNull(after, "after");
    }

    public String describe() {
        if (before.isEmpty()) {
            return "added " + column + " " + after.get();
        }
        if (after.isEmpty()) {
            return "removed " + column + " " + before.get();
        }
        return "changed " + column + " " + before.get() + " -> " + after.get();
    }
}
