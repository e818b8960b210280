package dev.keel.config;

import static java.util.Objects.requireNonNull;

/**
 * Where the lakehouse lives.
 *
 * @param root normalised root: an absolute local path or an {@code s3a://} / {@code hdfs://} URI
 */
public record LakeConfig(String root) {
    public LakeConfig {
        requireNonNull(root, "root");
    }

    public static LakeConfig from(KeelConfig config) {
        return new LakeConfig(Locations.normalize(config.get(ConfigKeys.LAKE_ROOT)));
    }
}
