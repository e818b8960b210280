package dev.keel.lake;

import java.util.Locale;

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

    /** A configured interval ("7 days", "interval 168 hours") as Delta stores it ("interval 7 days"). */
    public static String interval(String configured) {
        String text = configured.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return text.startsWith("interval ") ? text : "interval " + text;
    }
}
