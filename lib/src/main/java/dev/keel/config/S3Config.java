package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code s3a://} locations are reached. {@link #hadoopProperties()} is the one mapping from
 * keel's keys to hadoop-aws settings, used by Spark sessions and by direct file-system probes.
 */
public record S3Config(
        Optional<String> endpoint,
        Optional<String> region,
        boolean pathStyleAccess,
        boolean sslEnabled,
        Optional<String> credentialsProvider,
        Optional<Secret> accessKey,
        Optional<Secret> secretKey,
        int attempts,
        int connectTimeoutMs) {

    private static final String STATIC_KEYS_PROVIDER = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider";

    public S3Config {
        requireNonNull(endpoint, "endpoint");
        requireNonNull(region, "region");
        requireNonNull(credentialsProvider, "credentialsProvider");
        requireNonNull(accessKey, "accessKey");
        requireNonNull(secretKey, "secretKey");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new dev.keel.error.UsageException("S3 credentials are incomplete: set both s3.access.key and "
                    + "s3.secret.key (KEEL_S3_ACCESS_KEY and KEEL_S3_SECRET_KEY), or neither to use the AWS default chain");
        }
    }

    public static S3Config from(KeelConfig config) {
        return new S3Config(
                config.find(ConfigKeys.S3_ENDPOINT),
                config.find(ConfigKeys.S3_REGION),
                config.getBoolean(ConfigKeys.S3_PATH_STYLE),
                config.getBoolean(ConfigKeys.S3_SSL),
                config.find(ConfigKeys.S3_CREDENTIALS_PROVIDER),
                config.secret(ConfigKeys.S3_ACCESS_KEY),
                config.secret(ConfigKeys.S3_SECRET_KEY),
                config.getInt(ConfigKeys.S3_ATTEMPTS),
                config.getInt(ConfigKeys.S3_CONNECT_TIMEOUT_MS));
    }

    /** The {@code fs.s3a.*} Hadoop settings, secrets included: hand them only to Hadoop, never print them. */
    public Map<String, String> hadoopProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        endpoint.ifPresent(e -> p.put("fs.s3a.endpoint", e));
        region.ifPresent(r -> p.put("fs.s3a.endpoint.region", r));
        p.put("fs.s3a.path.style.access", Boolean.toString(pathStyleAccess));
        p.put("fs.s3a.connection.ssl.enabled", Boolean.toString(sslEnabled));
        p.put("fs.s3a.attempts.maximum", Integer.toString(attempts));
        p.put("fs.s3a.retry.limit", Integer.toString(attempts));
        p.put("fs.s3a.connection.establish.timeout", Integer.toString(connectTimeoutMs));
        p.put("fs.s3a.connection.timeout", Integer.toString(Math.max(connectTimeoutMs, 10_000)));
        Optional<String> provider = credentialsProvider.or(() -> accessKey.map(k -> STATIC_KEYS_PROVIDER));
        provider.ifPresent(c -> p.put("fs.s3a.aws.credentials.provider", c));
        accessKey.ifPresent(k -> p.put("fs.s3a.access.key", k.reveal()));
        secretKey.ifPresent(k -> p.put("fs.s3a.secret.key", k.reveal()));
        return p;
    }
}
