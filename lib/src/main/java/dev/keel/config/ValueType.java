package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The kind of value a configuration key accepts, with the sentence a user reads when a value
 * is rejected ("expected a boolean (true or false)").
 */
public record ValueType(String description, Predicate<String> accepts) {
    private static final Pattern DELTA_INTERVAL =
            Pattern.compile("(?i)(interval\\s+)?\\d+\\s+(second|minute|hour|day|week)s?");

    public ValueType {
        requireNonNull(description, "description");
        requireNonNull(accepts, "accepts");
    }

    public static ValueType text() {
        return new ValueType("a non-empty text", v -> !v.isBlank());
    }

    public static ValueType bool() {
        return new ValueType("a boolean (true or false)",
                v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));
    }

    public static ValueType integer(long min, long max) {
        return new ValueType("an integer from " + min + " to " + max, v -> {
            try {
                long n = Long.parseLong(v.trim());
                return n >= min && n <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        });
    }

    public static ValueType decimal(double min, double max) {
        return new ValueType("a number from " + min + " to " + max, v -> {
            try {
                double d = Double.parseDouble(v.trim());
                return d >= min && d <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        });
    }

    /** A local path or a URI with one of the given schemes (a bare path means the local file system). */
    public static ValueType location(String... schemes) {
        List<String> allowed = List.of(schemes);
        return new ValueType("a local path or a URI with scheme " + String.join(", ", allowed), v -> {
            if (v.isBlank()) {
                return false;
            }
            String scheme = schemeOf(v);
            return scheme == null || allowed.contains(scheme);
        });
    }

    public static ValueType httpUrl() {
        return new ValueType("an http:// or https:// URL", v -> {
            String scheme = schemeOf(v);
            return "http".equals(scheme) || "https".equals(scheme);
        });
    }

    /** A Delta table retention interval, as Delta's table properties take it ("30 days", "interval 7 days"). */
    public static ValueType interval() {
        return new ValueType("an interval such as '30 days' or '168 hours'",
                v -> DELTA_INTERVAL.matcher(v.trim()).matches());
    }

    /** The URI scheme of a location, lower-case, or null for a bare local path. */
    static String schemeOf(String value) {
        int colon = value.indexOf(':');
        if (colon <= 1) {
            return null;
        }
        try {
            String scheme = new URI(value.trim()).getScheme();
            return scheme == null ? null : scheme.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return value.substring(0, colon).toLowerCase(Locale.ROOT);
        }
    }
}
