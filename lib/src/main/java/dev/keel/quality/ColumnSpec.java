package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One column of a contract's schema.
 *
 * @param name the column name, in the raw files and in the clean table
 * @param type the type it is cast to
 * @param nullable whether a null (after cleaning) is allowed; a null in a non-nullable column is
 *     quarantined as {@code not_null:<name>}
 * @param format the date or timestamp pattern the raw text uses (Spark datetime patterns)
 */
public record ColumnSpec(String name, ColumnType type, boolean nullable, Optional<String> format) {
    public ColumnSpec {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
        requireNonNull(format, "format");
    }
}
