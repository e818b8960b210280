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
    MERGE;

    public static IngestMode parse(String text) {
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
