package dev.keel.quality;

import static java.util.Objects.requireNonNull;

/**
 * How a CSV source is parsed.
 *
 * @param header whether the first line of each file names the columns (then columns are matched by name)
 * @param delimiter the field separator
 * @param quote the quote character
 * @param escape the character that escapes a quote inside a quoted field
 * @param encoding the character set; bytes that do not decode in it make the line malformed
 */
public record CsvOptions(boolean header, String delimiter, String quote, String escape, String encoding) {
    public CsvOptions {
        requireNonNull(delimiter, "delimiter");
        requireNonNull(quote, "quote");
        requireNonNull(escape, "escape");
        requireNonNull(encoding, "encoding");
    }

    public static CsvOptions defaults() {
        return new CsvOptions(true, ",", "\"", "\"", "UTF-8");
    }
}
