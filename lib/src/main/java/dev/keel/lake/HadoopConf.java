package dev.keel.lake;

import org.apache.hadoop.conf.Configuration;

import dev.keel.config.KeelConfig;
import dev.keel.config.S3Config;

/** A Hadoop configuration for reaching the lake without a SparkSession (probes, metadata reads). */
public final class HadoopConf {
    private HadoopConf() {
    }

    public static Configuration of(KeelConfig config) {
        Configuration conf = new Configuration();
        S3Config.from(config).hadoopProperties().forEach(conf::set);
        config.withPrefix("spark.hadoop.").forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
        return conf;
    }
}
