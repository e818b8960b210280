package dev.keel.ingest;

import java.util.Locale;

import dev.keel.error.UsageException;

/** How a batch of clean rows meets the table. */
public enum IngestMode {
    /** Add the rows of files not ingested before. */
    APPEND,
    /** Replace the table with the rows of every source file (a full refresh). */
    OVERWRITE,
    /** Upsert the rows of new files by primary key (Delta MERGE). */
    MERGE,
    /** Not an ingest mode: recorded when {@code keel data restore} rewinds the table to an earlier version. */
    RESTORE;

    /** An ingest {@code --mode}: append, overwrite or merge. */
    public static IngestMode parse(String text) {
        IngestMode mode = recorded(text);
        if (mode == RESTORE) {
            throw new UsageException("Invalid --mode '" + text + "': expected append, overwrite or merge "
                    + "(rewind a table with 'keel data restore')");
        }
        return mode;
    }

    /** A mode as {@code _keel/dataset_versions} records it. */
    static IngestMode recorded(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("Invalid --mode '" + text + "': expected append, overwrite or merge");
        }
    }

    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
