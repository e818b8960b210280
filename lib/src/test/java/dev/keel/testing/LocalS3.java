package dev.keel.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.keel.config.ConfigLoader;
import dev.keel.config.KeelConfig;
import dev.keel.config.S3Config;

/**
 * The real S3-compatible server of {@code scripts/s3-local.sh} (S3Mock on 127.0.0.1) and the keel
 * configuration that points at it. As a JUnit extension (with {@link SharedSpark}) it starts the
 * server before a test class, points the shared session's s3a file systems at it, and stops it after.
 */
public final class LocalS3 implements BeforeAllCallback, AfterAllCallback {
    public static final int PORT = 9091;
    public static final String ENDPOINT = "http://127.0.0.1:" + PORT;
    public static final Map<String, String> ENVIRONMENT = Map.of("KEEL_S3_ACCESS_KEY", "keel-test", "KEEL_S3_SECRET_KEY", "keel-test");

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        script("up");
        S3Config.from(config(Map.of())).hadoopProperties().forEach(SharedSpark.session(context).sparkContext().hadoopConfiguration()::set);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        script("down");
    }

    /** The configuration a keel process would load with these settings and the test credentials in its environment. */
    public static KeelConfig config(Map<String, String> sets) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("s3.endpoint", ENDPOINT, "s3.path.style.access", "true",
                "s3.ssl.enabled", "false", "s3.attempts", "2"));
        all.putAll(sets);
        return new ConfigLoader(Optional.empty(), ENVIRONMENT, new Properties()).load(Optional.empty(), all);
    }

    private static void script(String verb) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("keel.home", "..")).resolve("scripts/s3-local.sh");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), verb).inheritIO();
        builder.environment().put("S3_LOCAL_PORT", Integer.toString(PORT));
        Process p = builder.start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/s3-local.sh " + verb + " failed with exit " + p.exitValue());
        }
    }
}
