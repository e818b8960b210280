package dev.keel.split;

import static java.util.Objects.requireNonNull;

import dev.keel.lake.TableVersion;

/**
 * One split of one materialised split table version, e.g. the {@code test} rows of
 * {@code splits/digits@v3}: what training and evaluation read through ({@link SplitReader}), and
 * what a model records, so that two models compared on the same {@code SplitRef} were tested on
 * exactly the same rows.
 *
 * @param table the split table's location
 * @param version its Delta version
 * @param split the split's name
 */
public record SplitRef(String table, long version, String split) {
    public SplitRef {
        requireNonNull(table, "table");
        requireNonNull(split, "split");
        if (version < 0) {
            throw new IllegalArgumentException("Cannot reference a split: version must be at least 0, cannot be: " + version);
        }
    }

    public TableVersion tableVersion() {
        return new TableVersion(table, version);
    }

    @Override
    public String toString() {
        return table + "@v" + version + "#" + split;
    }
}
