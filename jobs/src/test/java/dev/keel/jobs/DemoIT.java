package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.testing.SharedSpark;

/** The README's first command, {@code scripts/keel demo}, on a fresh lakehouse and again on the same one. */
@ExtendWith(SharedSpark.class)
class DemoIT {
    @Test
    void theDemoRecordsARunAuditsItVerifiesAndAnchors(SparkSession spark, @TempDir Path home) throws Exception {
        Path lake = home.resolve("lakehouse");
        CliHarness keel = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_QUALITY_CONTRACTS_DIR", Path.of("..", "conf", "contracts").toAbsolutePath().normalize().toString())
                .env("KEEL_TRAIN_MODELS_DIR", Path.of("..", "conf", "models").toAbsolutePath().normalize().toString());

        CliHarness.Result first = keel.run("demo");
        assertEquals(0, first.exit(), first::toString);
        assertTrue(first.out().contains("ok   lake.root " + lake), first.out());
        assertTrue(first.out().contains("(demo) SUCCEEDED, by tester"), first.out());
        assertTrue(first.out().contains("chain verified: 3 events, head #3"), first.out());
        assertTrue(first.out().contains("clean             1,706") && first.out().contains("every injected fault was caught"),
                first.out());
        assertTrue(first.out().contains("   wrote " + lake.resolve("splits/digits") + "@v0 from "), first.out());
        assertTrue(first.out().contains("stratified by label") && first.out().contains("leaks       0 key(s)"), first.out());
        assertTrue(first.out().contains("   Trained digits-mlp version 1 (run "), first.out());
        java.util.regex.Matcher accuracy = java.util.regex.Pattern.compile("test \\(.*#test, 169 examples\\): accuracy (0\\.\\d+)")
                .matcher(first.out());
        assertTrue(accuracy.find(), first.out());
        assertTrue(Double.parseDouble(accuracy.group(1)) >= 0.95, "the demo model's test accuracy " + accuracy.group(1));
        assertTrue(Files.exists(lake.resolve("models/digits-mlp/1/model.zip")));

        CliHarness.Result second = keel.run("demo");
        assertEquals(0, second.exit(), second::toString);
        assertTrue(second.out().contains("chain verified: 15 events, head #15"),
                "the first demo's ingest, split and training were audited too: " + second.out());
        assertTrue(second.out().contains("   unchanged: " + lake.resolve("splits/digits") + "@v0"), second.out());
        assertTrue(second.out().contains("   unchanged: digits-mlp@1 was trained from "), second.out());

        try (Stream<Path> anchors = Files.list(lake.resolve("_keel/audit_anchors"))) {
            assertEquals(2, anchors.filter(p -> p.getFileName().toString().matches("anchor-\\d{12}-\\d+\\.json")).count());
        }
        assertEquals(2, spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .filter("kind = 'demo' AND status = 'SUCCEEDED'").count());
        CliHarness.Result verify = keel.run("audit", "verify");
        assertEquals(0, verify.exit(), verify::toString);
    }
}
