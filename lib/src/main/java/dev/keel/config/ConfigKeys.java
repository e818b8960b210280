package dev.keel.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Every configuration key keel knows. Keys under a keel prefix ({@link #PREFIXES}) that are not
 * listed here are rejected, with the nearest known key as a suggestion, so a typo never silently
 * falls back to a default. Keys under {@code spark.} are passed to Spark unchecked.
 */
public final class ConfigKeys {
    public static final ConfigKey KEEL_HOME = new ConfigKey("keel.home", ValueType.text(), Optional.empty(),
            false, false, "Where keel is installed: conf/ is read from here. Set by scripts/keel.");
    public static final ConfigKey KEEL_ENV = ConfigKey.of("keel.env", ValueType.text(), null,
            "Environment overlay: conf/env/<name>.properties is layered over conf/keel.properties.");

    public static final ConfigKey LAKE_ROOT = ConfigKey.of("lake.root", ValueType.location("file", "s3a", "hdfs"),
            "./lakehouse", "Root of the lakehouse: a local path, s3a://bucket/prefix or hdfs://...");

    public static final ConfigKey SPARK_MASTER = ConfigKey.of("spark.master", ValueType.text(), "local[*]",
            "Spark master when keel is not started by spark-submit.");

    public static final ConfigKey S3_ENDPOINT = ConfigKey.of("s3.endpoint", ValueType.httpUrl(), null,
            "S3-compatible endpoint for s3a:// paths; unset means AWS.");
    public static final ConfigKey S3_REGION = ConfigKey.of("s3.region", ValueType.text(), null,
            "S3 region (fs.s3a.endpoint.region).");
    public static final ConfigKey S3_PATH_STYLE = ConfigKey.of("s3.path.style.access", ValueType.bool(), "false",
            "Path-style bucket addressing, needed by most S3-compatible servers.");
    public static final ConfigKey S3_SSL = ConfigKey.of("s3.ssl.enabled", ValueType.bool(), "true",
            "Use TLS towards the S3 endpoint.");
    public static final ConfigKey S3_CREDENTIALS_PROVIDER = ConfigKey.of("s3.credentials.provider", ValueType.text(),
            null, "AWS credentials provider class; defaults to the static keys when given, else the AWS default chain.");
    public static final ConfigKey S3_ACCESS_KEY = ConfigKey.secret("s3.access.key",
            "S3 access key id (secret: environment KEEL_S3_ACCESS_KEY or s3.access.key.file).");
    public static final ConfigKey S3_SECRET_KEY = ConfigKey.secret("s3.secret.key",
            "S3 secret access key (secret: environment KEEL_S3_SECRET_KEY or s3.secret.key.file).");
    public static final ConfigKey S3_ATTEMPTS = ConfigKey.of("s3.attempts", ValueType.integer(1, 100), "5",
            "How many times an S3 request is tried before the job gives up with exit 5.");
    public static final ConfigKey S3_CONNECT_TIMEOUT_MS = ConfigKey.of("s3.connect.timeout.ms",
            ValueType.integer(100, 600_000), "10000", "S3 connection timeout in milliseconds.");

    public static final ConfigKey SLURM_URL = ConfigKey.of("slurm.url", ValueType.httpUrl(), null,
            "slurmrestd base URL, e.g. http://127.0.0.1:6820; unset means Slurm is not used.");
    public static final ConfigKey SLURM_USER = ConfigKey.of("slurm.user", ValueType.text(), null,
            "User name sent to slurmrestd; defaults to the actor.");
    public static final ConfigKey SLURM_JWT = ConfigKey.secret("slurm.jwt",
            "Slurm JWT (secret: environment KEEL_SLURM_JWT or slurm.jwt.file).");

    public static final ConfigKey CONTRACTS_DIR = ConfigKey.of("quality.contracts.dir", ValueType.text(), "conf/contracts",
            "Where 'keel ingest --dataset NAME' looks for NAME.yaml when no --contract is given.");

    public static final ConfigKey MODELS_DIR = ConfigKey.of("train.models.dir", ValueType.text(), "conf/models",
            "Where the model specs live (conf/models/<name>.yaml); the demo trains digits-mlp.yaml from here.");

    public static final ConfigKey LOG_RETENTION = ConfigKey.of("data.retention.log", ValueType.interval(), "30 days",
            "How long Delta keeps table history (delta.logRetentionDuration): versions older than this stop being "
                    + "readable by time travel once a checkpoint cleans the log.");
    public static final ConfigKey DELETED_FILE_RETENTION = ConfigKey.of("data.retention.files", ValueType.interval(),
            "7 days", "How long 'keel data vacuum' keeps files no longer in the latest version "
                    + "(delta.deletedFileRetentionDuration).");
    public static final ConfigKey DRIFT_THRESHOLD = ConfigKey.of("data.drift.threshold", ValueType.decimal(0, 100), "0.2",
            "Population stability index above which 'keel data drift' marks a column as drifted (0.1 watch, 0.2 act).");

    public static final ConfigKey AUDIT_ANCHOR_DIR = ConfigKey.of("audit.anchor.dir",
            ValueType.location("file", "s3a", "hdfs"), "${lake.root}/_keel/audit_anchors",
            "Where 'keel audit anchor' writes head hashes; put it outside the reach of whoever can write the lake.");

    public static final ConfigKey ACCESS_POLICY = ConfigKey.of("access.policy", ValueType.text(), null,
            "Access policy file (roles, users, groups; see conf/access-policy.yaml); unset means every action is allowed.");
    public static final ConfigKey RELEASE_DIR = ConfigKey.of("release.dir", ValueType.text(), "conf/release",
            "Where each model's release policy lives (conf/release/<model>.yaml: evaluation slices, gates, golden set).");

    public static final ConfigKey PIPELINE_DIR = ConfigKey.of("pipeline.dir", ValueType.text(), "conf/pipelines",
            "Where pipeline configs live (conf/pipelines/<name>.properties); the demo runs digits.properties from here.");
    public static final ConfigKey NOTEBOOK_DIR = ConfigKey.of("notebook.dir", ValueType.text(), "notebooks-export",
            "Where analysts' notebooks live (Databricks SQL source); the demo runs every *.sql here into its reports.");

    /** Every declared key, secrets' {@code .file} companions included. */
    public static final List<ConfigKey> ALL = withSecretFiles(List.of(
            KEEL_HOME, KEEL_ENV, LAKE_ROOT, SPARK_MASTER,
            S3_ENDPOINT, S3_REGION, S3_PATH_STYLE, S3_SSL, S3_CREDENTIALS_PROVIDER, S3_ACCESS_KEY, S3_SECRET_KEY,
            S3_ATTEMPTS, S3_CONNECT_TIMEOUT_MS,
            SLURM_URL, SLURM_USER, SLURM_JWT,
            CONTRACTS_DIR, MODELS_DIR, LOG_RETENTION, DELETED_FILE_RETENTION, DRIFT_THRESHOLD,
            AUDIT_ANCHOR_DIR, ACCESS_POLICY, RELEASE_DIR, PIPELINE_DIR, NOTEBOOK_DIR));

    /** First segments that mark a key as keel's (and therefore checked). */
    public static final Set<String> PREFIXES = ALL.stream()
            .map(k -> k.name().substring(0, k.name().indexOf('.')))
            .filter(p -> !p.equals("spark"))
            .collect(Collectors.toUnmodifiableSet());

    /** Keys under this prefix go to the SparkSession builder as they are. */
    public static final String SPARK_PREFIX = "spark.";

    /** Environment variables that configure the launcher or identity, not a configuration key. */
    public static final Set<String> NON_KEY_VARIABLES =
            Set.of("KEEL_HOME", "KEEL_ACTOR", "KEEL_JAVA_OPTS", "KEEL_SPARK_SUBMIT_OPTS", "KEEL_MAVEN_OPTS");

    private static final Map<String, ConfigKey> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

    private ConfigKeys() {
    }

    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether keel checks this key: it is under a keel prefix (not {@code spark.}). */
    public static boolean isKeelKey(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && PREFIXES.contains(name.substring(0, dot));
    }

    public static boolean isSparkKey(String name) {
        return name.startsWith(SPARK_PREFIX);
    }

    /** The known key closest to {@code name} by edit distance. */
    public static String nearest(String name) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        return ALL.stream()
                .min((a, b) -> Integer.compare(distance.apply(name, a.name()), distance.apply(name, b.name())))
                .map(ConfigKey::name)
                .orElseThrow();
    }

    static String environmentVariable(String key) {
        return "KEEL_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The key an environment variable sets: {@code KEEL_LAKE_ROOT} is {@code lake.root}. */
    static Optional<String> keyOfEnvironmentVariable(String variable) {
        if (!variable.startsWith("KEEL_") || NON_KEY_VARIABLES.contains(variable) || variable.length() <= 5) {
            return Optional.empty();
        }
        return Optional.of(variable.substring(5).toLowerCase(Locale.ROOT).replace('_', '.'));
    }

    private static List<ConfigKey> withSecretFiles(List<ConfigKey> keys) {
        return keys.stream()
                .flatMap(k -> k.secret()
                        ? java.util.stream.Stream.of(k, new ConfigKey(k.fileKey(), ValueType.text(), Optional.empty(),
                                false, false, "File holding " + k.name() + " (read at start, never printed)."))
                        : java.util.stream.Stream.of(k))
                .toList();
    }
}
