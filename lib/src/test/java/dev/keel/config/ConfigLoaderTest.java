package dev.keel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.config.ConfigSource.Layer;
import dev.keel.error.ExitCode;
import dev.keel.error.UsageException;

class ConfigLoaderTest {
    @TempDir
    Path home;

    private Path conf;

    @BeforeEach
    void defaults() throws IOException {
        conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("keel.properties"), "lake.root = /from/defaults\nslurm.url = http://defaults:6820\n");
    }

    private KeelConfig load(Map<String, String> env, Properties sys, Optional<Path> file, Map<String, String> sets) {
        return new ConfigLoader(Optional.of(home), env, sys).load(file, sets);
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void eachLayerOverridesTheOnesBelowIt() throws IOException {
        Path file = home.resolve("site.properties");
        Files.writeString(file, "lake.root = /from/file\n");
        Map<String, String> env = Map.of("KEEL_LAKE_ROOT", "/from/env");
        Properties sys = props("lake.root", "/from/sysprop");

        assertEquals("/from/defaults", load(Map.of(), new Properties(), Optional.empty(), Map.of()).get(ConfigKeys.LAKE_ROOT));
        assertEquals("/from/file", load(Map.of(), new Properties(), Optional.of(file), Map.of()).get(ConfigKeys.LAKE_ROOT));
        assertEquals("/from/sysprop", load(Map.of(), sys, Optional.of(file), Map.of()).get(ConfigKeys.LAKE_ROOT));
        assertEquals("/from/env", load(env, sys, Optional.of(file), Map.of()).get(ConfigKeys.LAKE_ROOT));
        KeelConfig top = load(env, sys, Optional.of(file), Map.of("lake.root", "/from/set"));
        assertEquals("/from/set", top.get(ConfigKeys.LAKE_ROOT));
        assertEquals(Layer.SET, top.sourceOf("lake.root").orElseThrow().layer());
    }

    @Test
    void sourcesNameTheFileVariableOrDefault() throws IOException {
        KeelConfig c = load(Map.of("KEEL_SLURM_URL", "http://env:6820"), new Properties(), Optional.empty(), Map.of());
        assertEquals("environment KEEL_SLURM_URL", c.sourceOf("slurm.url").orElseThrow().describe());
        assertEquals("defaults file " + conf.resolve("keel.properties"), c.sourceOf("lake.root").orElseThrow().describe());
        assertEquals("built-in default", c.sourceOf("s3.attempts").orElseThrow().describe());
    }

    @Test
    void confFileIncludesOtherFilesRelativeToItself() throws IOException {
        Path dir = Files.createDirectories(home.resolve("site"));
        Files.writeString(dir.resolve("common.properties"), "slurm.url = http://included:6820\n");
        Files.writeString(dir.resolve("main.properties"), "include = common.properties\nlake.root = /main\n");
        KeelConfig c = load(Map.of(), new Properties(), Optional.of(dir.resolve("main.properties")), Map.of());
        assertEquals("http://included:6820", c.get(ConfigKeys.SLURM_URL));
        assertEquals("/main", c.get(ConfigKeys.LAKE_ROOT));
    }

    @Test
    void environmentOverlaySitsBetweenConfFileAndDefaults() throws IOException {
        Files.createDirectories(conf.resolve("env"));
        Files.writeString(conf.resolve("env").resolve("prod.properties"), "lake.root = s3a://prod/lake\ns3.attempts = 9\n");
        Path file = home.resolve("site.properties");
        Files.writeString(file, "s3.attempts = 7\n");
        KeelConfig c = load(Map.of("KEEL_KEEL_ENV", "prod"), new Properties(), Optional.of(file), Map.of());
        assertEquals("s3a://prod/lake", c.get(ConfigKeys.LAKE_ROOT));
        assertEquals(7, c.getInt(ConfigKeys.S3_ATTEMPTS));
        assertEquals(Layer.ENV_OVERLAY, c.sourceOf("lake.root").orElseThrow().layer());
    }

    @Test
    void missingOverlayNamesTheFileAndTheChoices() throws IOException {
        Files.createDirectories(conf.resolve("env"));
        Files.writeString(conf.resolve("env").resolve("ci.properties"), "");
        UsageException e = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.empty(), Map.of("keel.env", "prod")));
        assertTrue(e.getMessage().contains("prod.properties does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("ci"), e.getMessage());
    }

    @Test
    void unknownKeyUnderAKeelPrefixFailsWithTheNearestKnownKey() {
        UsageException e = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.empty(), Map.of("lake.rot", "/x")));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("Unknown configuration key 'lake.rot' (from --set): did you mean 'lake.root'? "
                + "'keel config show' lists every key", e.getMessage());
    }

    @Test
    void unknownKeyFromTheEnvironmentIsReportedToo() {
        UsageException e = assertThrows(UsageException.class,
                () -> load(Map.of("KEEL_SLURM_URLL", "http://x"), new Properties(), Optional.empty(), Map.of()));
        assertTrue(e.getMessage().contains("'slurm.urll' (from environment KEEL_SLURM_URLL)"), e.getMessage());
        assertTrue(e.getMessage().contains("'slurm.url'"), e.getMessage());
    }

    @Test
    void sparkKeysAndForeignVariablesPassThrough() {
        KeelConfig c = load(Map.of("KEEL_HOME", "/opt/keel", "PATH", "/bin"), props("java.version", "17", "spark.executor.cores", "4"),
                Optional.empty(), Map.of("spark.sql.shuffle.partitions", "3"));
        assertEquals("3", c.withPrefix("spark.").get("spark.sql.shuffle.partitions"));
        assertEquals("4", c.withPrefix("spark.").get("spark.executor.cores"));
        assertTrue(c.find("java.version").isEmpty());
    }

    @Test
    void badValueNamesKeyValueSourceAndWhatIsAllowed() {
        UsageException e = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.empty(), Map.of("s3.attempts", "lots")));
        assertEquals("Invalid value 'lots' for s3.attempts (from --set): expected an integer from 1 to 100", e.getMessage());
        UsageException scheme = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.empty(), Map.of("lake.root", "ftp://x/y")));
        assertTrue(scheme.getMessage().contains("expected a local path or a URI with scheme file, s3a, hdfs"), scheme.getMessage());
    }

    @Test
    void secretsAreRefusedWhereTheyWouldLeak() throws IOException {
        UsageException fromSet = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.empty(), Map.of("s3.secret.key", "hunter2")));
        assertTrue(fromSet.getMessage().startsWith("Secret s3.secret.key must not be given in --set"), fromSet.getMessage());
        assertTrue(fromSet.getMessage().contains("KEEL_S3_SECRET_KEY"), fromSet.getMessage());
        assertFalse(fromSet.getMessage().contains("hunter2"));

        Path file = home.resolve("leaky.properties");
        Files.writeString(file, "slurm.jwt = eyJhbGciOi\n");
        UsageException fromFile = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.of(file), Map.of()));
        assertTrue(fromFile.getMessage().contains("--conf file"), fromFile.getMessage());
    }

    @Test
    void secretsComeFromEnvironmentOrFileAndAreMasked() throws IOException {
        Path token = home.resolve("token");
        Files.writeString(token, "jwt-from-file\n");
        KeelConfig c = load(Map.of("KEEL_S3_ACCESS_KEY", "AKIA", "KEEL_S3_SECRET_KEY", "s3cr3t"), new Properties(), Optional.empty(),
                Map.of("slurm.jwt.file", token.toString()));
        assertEquals("s3cr3t", c.secret(ConfigKeys.S3_SECRET_KEY).orElseThrow().reveal());
        assertEquals("jwt-from-file", c.secret(ConfigKeys.SLURM_JWT).orElseThrow().reveal());
        assertEquals("******", c.secret(ConfigKeys.SLURM_JWT).orElseThrow().toString());
        assertTrue(c.find("s3.secret.key").isEmpty(), "secrets are not readable as plain values");
        KeelConfig.Entry entry = c.entries().stream().filter(e -> e.key().equals("s3.secret.key")).findFirst().orElseThrow();
        assertEquals("******", entry.displayValue());
    }

    @Test
    void unreadableSecretFileNamesKeyAndPath() {
        UsageException e = assertThrows(UsageException.class, () -> load(Map.of(), new Properties(), Optional.empty(),
                Map.of("slurm.jwt.file", home.resolve("nope").toString())));
        assertTrue(e.getMessage().startsWith("Cannot read slurm.jwt from slurm.jwt.file=" + home.resolve("nope")), e.getMessage());
    }

    @Test
    void valuesInterpolateOtherKeysAndEnvironment() {
        KeelConfig c = load(Map.of("TEAM", "ml"), new Properties(), Optional.empty(),
                Map.of("lake.root", "/data/${env:TEAM}"));
        assertEquals("/data/ml", c.get(ConfigKeys.LAKE_ROOT));
        assertEquals("/data/ml/_keel/audit_anchors", c.get(ConfigKeys.AUDIT_ANCHOR_DIR));
        UsageException e = assertThrows(UsageException.class, () -> load(Map.of(), new Properties(), Optional.empty(),
                Map.of("lake.root", "/data/${env:NOPE_NOT_SET}")));
        assertTrue(e.getMessage().startsWith("Cannot resolve lake.root="), e.getMessage());
    }

    @Test
    void missingConfFileIsAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> load(Map.of(), new Properties(), Optional.of(home.resolve("missing.properties")), Map.of()));
        assertEquals("Configuration file " + home.resolve("missing.properties") + " does not exist: check the --conf path",
                e.getMessage());
    }

    @Test
    void hashIgnoresSecretsAndMachinePathsButSeesSettings() {
        Map<String, String> base = new LinkedHashMap<>(Map.of("lake.root", "/lake"));
        String h1 = load(Map.of("KEEL_S3_ACCESS_KEY", "a", "KEEL_S3_SECRET_KEY", "b"), new Properties(), Optional.empty(), base).hash();
        String h2 = load(Map.of("KEEL_S3_ACCESS_KEY", "c", "KEEL_S3_SECRET_KEY", "d"), new Properties(), Optional.empty(), base).hash();
        assertEquals(h1, h2);
        base.put("s3.attempts", "9");
        assertNotEquals(h1, load(Map.of("KEEL_S3_ACCESS_KEY", "a", "KEEL_S3_SECRET_KEY", "b"), new Properties(), Optional.empty(), base).hash());
    }

    @Test
    void typedRecordsNormaliseAndValidateAcrossKeys() {
        KeelConfig c = load(Map.of("KEEL_S3_ACCESS_KEY", "a"), new Properties(), Optional.empty(),
                Map.of("lake.root", "s3a://bucket/lake/", "s3.endpoint", "http://127.0.0.1:9090", "s3.path.style.access", "true"));
        assertEquals("s3a://bucket/lake", LakeConfig.from(c).root());
        UsageException e = assertThrows(UsageException.class, () -> S3Config.from(c));
        assertTrue(e.getMessage().startsWith("S3 credentials are incomplete"), e.getMessage());

        KeelConfig full = load(Map.of("KEEL_S3_ACCESS_KEY", "a", "KEEL_S3_SECRET_KEY", "b"), new Properties(), Optional.empty(),
                Map.of("s3.endpoint", "http://127.0.0.1:9090", "s3.path.style.access", "true"));
        Map<String, String> hadoop = S3Config.from(full).hadoopProperties();
        assertEquals("http://127.0.0.1:9090", hadoop.get("fs.s3a.endpoint"));
        assertEquals("true", hadoop.get("fs.s3a.path.style.access"));
        assertEquals("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider", hadoop.get("fs.s3a.aws.credentials.provider"));
        assertEquals(home.resolve("lakehouse").toString(),
                LakeConfig.from(load(Map.of(), new Properties(), Optional.empty(), Map.of("lake.root", home + "/x/../lakehouse"))).root());
    }
}
