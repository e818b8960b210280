package dev.keel.lake;

import static java.util.Objects.requireNonNull;

/**
 * One version of one Delta table: the unit of data identity everywhere in keel. Two runs that
 * read the same {@code TableVersion} read exactly the same rows.
 *
 * @param table the table's location (absolute path or URI)
 * @param version the Delta commit version, at least 0
 */
public record TableVersion(String table, long version) {
    public TableVersion {
        requireNonNull(table, "table");
        if (version < 0) {
            throw new IllegalArgumentException("Cannot name a table version: version must be at least 0, cannot be: " + version);
        }
    }

    @Override
    public String toString() {
        return table + "@v" + version;
    }
}
