package dev.keel.ingest;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

import dev.keel.config.Locations;

/**
 * A raw file as it was when ingested; (path, size, modification time) is its identity, so a
 * file that is rewritten in place counts as new.
 *
 * @param path fully qualified path ({@code file:/...}, {@code s3a://...}, {@code hdfs://...})
 * @param size bytes
 * @param modificationTime last modification
 */
public record SourceFile(String path, long size, Instant modificationTime) {
    public SourceFile {
        requireNonNull(path, "path");
        requireNonNull(modificationTime, "modificationTime");
    }

    /** The same file with its path in one spelling ({@code file:/x} and {@code /x} alike), for comparisons. */
    public SourceFile normalised() {
        return new SourceFile(Locations.normalize(path), size, modificationTime);
    }
}
