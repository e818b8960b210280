package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A part of the evaluation data reported on its own.
 *
 * @param name the slice's name; a {@code column} slice yields {@code column=value} per value
 * @param column a column whose every value is a slice
 * @param where a Spark SQL condition over the split's columns
 */
public record Slice(String name, Optional<String> column, Optional<String> where) {
    public Slice {
        requireNonNull(name, "name");
        requireNonNull(column, "column");
        requireNonNull(where, "where");
        if (column.isPresent() == where.isPresent()) {
            throw new IllegalArgumentException("Cannot declare slice " + name + ": give exactly one of column and where");
        }
    }
}
