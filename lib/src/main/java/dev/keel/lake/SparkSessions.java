package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.util.Map;

import org.apache.spark.sql.SparkSession;

import dev.keel.config.ConfigKeys;
import dev.keel.config.KeelConfig;
import dev.keel.config.S3Config;
import dev.keel.config.SparkConfig;
import dev.keel.gpu.GpuExecutorPlugin;

/**
 * The one place that builds keel's SparkSession: Delta's extension and catalog, UTC session time,
 * Delta log stores that are safe with several writer processes on a local lake ({@link AtomicLocalLogStore})
 * and on S3 ({@link ConditionalS3LogStore}),
 * S3A settings from {@code s3.*}, every {@code spark.*} key from the configuration, and the
 * master from {@code spark.master}: spark-submit's own setting arrives as a system property, so a
 * submitted job runs where it was submitted and a plain {@code java} run defaults to {@code local[*]}.
 * Every executor binds its GPU(s) at start ({@link GpuExecutorPlugin}, added to {@code spark.plugins}).
 */
public final class SparkSessions {
    private static final String PLUGINS = "spark.plugins";
    private SparkSessions() {
    }

    /**
     * Creates (or, when one is already active in this JVM, reuses and re-configures) the session.
     *
     * @param appName shown in the Spark UI and the history server, e.g. {@code keel-ingest-<run id>}
     */
    public static SparkSession create(KeelConfig config, String appName) {
        requireNonNull(config, "config");
        SparkSession.Builder builder = SparkSession.builder().appName(requireNonNull(appName, "appName"));
        settings(config).forEach(builder::config);
        builder.master(SparkConfig.from(config).master());
        return builder.getOrCreate();
    }

    /** Every Spark setting keel applies, S3 secrets included: hand them only to Spark. */
    public static Map<String, String> settings(KeelConfig config) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        settings.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        settings.put("spark.sql.session.timeZone", "UTC");
        settings.put("spark.ui.showConsoleProgress", "false");
        settings.put("spark.delta.logStore.file.impl", AtomicLocalLogStore.class.getName());
        settings.put("spark.delta.logStore.s3a.impl", ConditionalS3LogStore.class.getName());
        settings.put(DeltaRetention.sessionDefault(DeltaRetention.LOG), DeltaRetention.interval(config.get(ConfigKeys.LOG_RETENTION)));
        settings.put(DeltaRetention.sessionDefault(DeltaRetention.DELETED_FILES),
                DeltaRetention.interval(config.get(ConfigKeys.DELETED_FILE_RETENTION)));
        S3Config.from(config).hadoopProperties().forEach((k, v) -> settings.put("spark.hadoop." + k, v));
        Map<String, String> own = SparkConfig.from(config).settings();
        settings.putAll(own);
        String plugin = GpuExecutorPlugin.class.getName();
        settings.put(PLUGINS, own.containsKey(PLUGINS) ? own.get(PLUGINS) + "," + plugin : plugin);
        return settings;
    }
}
