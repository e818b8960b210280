package dev.keel.quality;

/** How raw files are read. */
public enum SourceFormat {
    /** Delimited text with options ({@link CsvOptions}). */
    CSV,
    /** One JSON object per line. */
    JSON,
    /** Parquet files; their columns are read by name. */
    PARQUET,
    /** Unstructured files (images, documents): path, size, modification time, SHA-256 and content. */
    BINARY
}
