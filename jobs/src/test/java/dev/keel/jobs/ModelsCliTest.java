package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.ModelVersions;
import dev.keel.split.SplitRef;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/**
 * {@code keel models list|show}: the registry read back without Spark, references resolved,
 * unknown ones listing what exists; {@code keel compare}'s refusals.
 */
@ExtendWith(SharedSpark.class)
class ModelsCliTest {
    @TempDir
    Path home;

    private static ModelVersion version(Path lake, String name, long version, double accuracy) {
        return version(lake, name, version, accuracy, 0);
    }

    private static ModelVersion version(Path lake, String name, long version, double accuracy, long splitVersion) {
        String splits = lake.resolve("splits/digits").toString();
        return new ModelVersion(name, version, lake.resolve("models/" + name + "/" + version).toString(), "ab".repeat(32),
                "conf/models/" + name + ".yaml", "cd".repeat(32), "classification", Map.of("epochs", "30", "batch_size", "32"), 42,
                new SplitRef(splits, splitVersion, "train"), new SplitRef(splits, splitVersion, "val"),
                new SplitRef(splits, splitVersion, "test"),
                Map.of("accuracy", accuracy, "macro_f1", accuracy - 0.01), "CpuBackend", (int) version, "20261123-120000-0000000" + version,
                "analyst", Instant.parse("2026-11-23T12:00:0" + version + "Z"));
    }

    @Test
    void listShowAndReferencesReadTheRegistryWithoutSpark(SparkSession spark) throws Exception {
        Path lake = home.resolve("lakehouse");
        CliHarness keel = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake.toString());
        CliHarness.Result empty = keel.run("models", "list");
        assertEquals(0, empty.exit(), empty::toString);
        assertEquals("No model is registered yet (keel train registers one)", empty.out().trim());

        TestRuns runs = new TestRuns(spark, lake);
        ModelVersions registry = new ModelVersions(runs.env().store(), runs.env().layout().keel(KeelTable.MODELS));
        registry.register(version(lake, "digits-mlp", 1, 0.95));
        registry.register(version(lake, "digits-cnn", 1, 0.97));
        registry.register(version(lake, "digits-mlp", 2, 0.98));

        CliHarness.Result list = keel.run("models", "list");
        assertEquals(0, list.exit(), list::toString);
        List<String> lines = list.out().lines().toList();
        assertEquals(4, lines.size(), list.out());
        assertTrue(lines.get(1).startsWith("digits-cnn") && lines.get(3).startsWith("digits-mlp                 2"), list.out());
        assertTrue(lines.get(3).contains("digits@v0#test") && lines.get(3).contains("accuracy 0.9800, macro_f1 0.9700"), list.out());
        assertFalse(list.err().contains("starting Spark"), "catalog commands need no Spark job: " + list.err());

        JsonNode mlp = new ObjectMapper().readTree(keel.run("models", "list", "--name", "digits-mlp", "--json").out());
        assertEquals(2, mlp.size());
        assertEquals(0.95, mlp.get(0).get("metrics").get("accuracy").asDouble(), 1e-12);

        CliHarness.Result latest = keel.run("models", "show", "digits-mlp");
        assertEquals(0, latest.exit(), latest::toString);
        assertTrue(latest.out().startsWith("digits-mlp@2 (classification), registered 2026-11-23T12:00:02Z by analyst"), latest.out());
        assertTrue(latest.out().contains("  tested on   " + lake.resolve("splits/digits") + "@v0#test"), latest.out());
        assertTrue(latest.out().contains("  training    batch_size=32, epochs=30"), latest.out());
        assertEquals(latest.out(), keel.run("models", "show", "digits-mlp@latest").out());
        assertTrue(keel.run("models", "show", "digits-mlp@1").out().contains("accuracy 0.9500"));

        assertError(keel.run("models", "show", "digits-mlp@7"), "keel: Unknown version 7 of model digits-mlp: it has digits-mlp versions 1, 2");
        assertError(keel.run("models", "show", "resnet"), "keel: Unknown model 'resnet' in " + lake.resolve("_keel/models")
                + ": registered are digits-cnn versions 1; digits-mlp versions 1, 2");
        assertError(keel.run("models", "show", "digits-mlp@champion"), "keel: Unknown version 'champion' of model digits-mlp: give a "
                + "version number or latest; digits-mlp has digits-mlp versions 1, 2 (aliases such as champion come with promotion, "
                + "not built yet)");
        assertError(keel.run("models", "show", "digits mlp"), "keel: Invalid model reference 'digits mlp': expected NAME, "
                + "NAME@VERSION or NAME@latest, e.g. digits-mlp@1");

        registry.register(version(lake, "digits-mlp", 3, 0.99, 1));
        String splits = lake.resolve("splits/digits").toString();
        assertError(keel.run("compare", "--candidate", "digits-mlp@3", "--baseline", "digits-mlp@2"), "keel: Cannot compare "
                + "digits-mlp@3 with digits-mlp@2: they were tested on different data (" + splits + "@v1#test and " + splits
                + "@v0#test); a fair comparison needs one test split version, so train or evaluate both on the same split version");
        CliHarness.Result missing = keel.run("compare", "--candidate", "digits-mlp@2", "--baseline", "digits-cnn@1");
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().lines().anyMatch(l -> l.startsWith("keel: Cannot read model digits-mlp@2 from "
                + lake.resolve("models/digits-mlp/2"))), missing.err());
        assertError(keel.run("compare", "--candidate", "digits-mlp@2", "--baseline", "digits-mlp@1", "--alpha", "0.7"),
                "keel: Invalid --alpha 0.7: give a significance level above 0 and below 0.5, e.g. 0.05");
    }

    /** Exit 2 and one error line (besides keel's progress lines). */
    private static void assertError(CliHarness.Result r, String expected) {
        assertEquals(2, r.exit(), r::toString);
        assertEquals(List.of(expected), r.err().lines().filter(l -> !l.startsWith("[keel]")).toList(), r::toString);
    }
}
