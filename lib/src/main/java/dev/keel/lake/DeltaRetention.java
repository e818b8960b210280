package dev.keel.lake;

import java.util.Locale;

import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The two Delta table properties that bound time travel, as keel's configuration sets them: new
 * tables get them from session defaults, existing tables when {@code keel data vacuum} aligns them.
 */
public final class DeltaRetention {
    /** How long the transaction log keeps versions readable. */
    public static final String LOG = "delta.logRetentionDuration";
    /** How long files dropped from the latest version survive VACUUM. */
    public static final String DELETED_FILES = "delta.deletedFileRetentionDuration";
    private static final String DEFAULTS_PREFIX = "spark.databricks.delta.properties.defaults.";

    private DeltaRetention() {
    }

    /** The Spark setting that makes {@code property} a default of every table the session creates. */
    public static String sessionDefault(String property) {
        return DEFAULTS_PREFIX + property.substring("delta.".length());
    }

    /** An interval as {@link #interval} writes it, in hours, as VACUUM's {@code RETAIN} clause takes it. */
    public static double hours(String interval) {
        CalendarInterval parsed = IntervalUtils.stringToInterval(UTF8String.fromString(interval));
        return (parsed.months * 30.0 + parsed.days) * 24 + parsed.microseconds / 3.6e9;
    }

    /** A configured interval ("7 days", "interval 168 hours") as Delta stores it ("interval 7 days"). */
    public static String interval(String configured) {
        String text = configured.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return text.startsWith("interval ") ? text : "interval " + text;
    }
}
