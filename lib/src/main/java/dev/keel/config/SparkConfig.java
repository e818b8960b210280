package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * How keel builds its SparkSession.
 *
 * @param master the master URL; spark-submit's own {@code spark.master} system property takes its place when present
 * @param settings every {@code spark.*} key to pass to the session builder, master excluded
 */
public record SparkConfig(String master, Map<String, String> settings) {
    public SparkConfig {
        requireNonNull(master, "master");
        settings = Map.copyOf(requireNonNull(settings, "settings"));
    }

    public static SparkConfig from(KeelConfig config) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(config.withPrefix(ConfigKeys.SPARK_PREFIX));
        settings.remove(ConfigKeys.SPARK_MASTER.name());
        return new SparkConfig(config.get(ConfigKeys.SPARK_MASTER), settings);
    }
}
