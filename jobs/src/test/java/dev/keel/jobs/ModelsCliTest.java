package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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

import dev.keel.audit.AuditEvent;
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
        ModelVersions registry = new ModelVersions(runs.env().store(), runs.env().layout());
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
        assertEquals(0.95, mlp.get(0).get("model").get("metrics").get("accuracy").asDouble(), 1e-12);

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
        assertError(keel.run("models", "show", "digits-mlp@champion"), "keel: Unknown version 'champion' of model digits-mlp: "
                + "digits-mlp has digits-mlp versions 1, 2; no alias points at any of its versions yet (keel promote sets one)");
        assertError(keel.run("models", "show", "digits mlp"), "keel: Invalid model reference 'digits mlp': expected NAME, "
                + "NAME@VERSION, NAME@latest or NAME@ALIAS, e.g. digits-mlp@1 or digits-mlp@champion");

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

    @Test
    void aliasesTagsOwnersAndSearchUnderAnAccessPolicy(SparkSession spark) throws Exception {
        Path lake = home.resolve("lakehouse");
        Path policy = home.resolve("policy.yaml");
        Files.writeString(policy, """
                roles:
                  contributor: [model.tag, model.promote.staging]
                  release-manager: ["model.promote.*"]
                  admin: ["*"]
                everyone: [contributor]
                users:
                  rita: [release-manager]
                  ada: [admin]
                """);
        String policySha = dev.keel.build.Digests.sha256Hex(Files.readAllBytes(policy));
        TestRuns runs = new TestRuns(spark, lake);
        ModelVersions registry = new ModelVersions(runs.env().store(), runs.env().layout());
        registry.register(version(lake, "digits-mlp", 1, 0.95));
        registry.register(version(lake, "digits-mlp", 2, 0.98));
        registry.register(version(lake, "fraud-gbm", 1, 0.91, 3));
        CliHarness mallory = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_ACCESS_POLICY", policy.toString()).env("KEEL_ACTOR", "mallory");
        CliHarness rita = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_ACCESS_POLICY", policy.toString()).env("KEEL_ACTOR", "rita");
        CliHarness ada = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_ACCESS_POLICY", policy.toString()).env("KEEL_ACTOR", "ada");

        CliHarness.Result denied = mallory.run("promote", "digits-mlp@2", "--alias", "champion", "--reason", "ship it");
        assertEquals(6, denied.exit(), denied::toString);
        assertEquals(List.of("keel: Access denied: mallory (roles: contributor) lacks model.promote.champion for digits-mlp@2 under "
                + policy + ": ask for role admin or release-manager; the denial is audited"),
                denied.err().lines().filter(l -> !l.startsWith("[keel]")).toList());
        assertFalse(Files.exists(lake.resolve("_keel/model_aliases")), "a denied action changes nothing");
        assertFalse(Files.exists(lake.resolve("_keel/runs")), "a denied action starts no run");
        AuditEvent denial = runs.env().audit().log().tail(1).get(0);
        assertEquals("access.denied", denial.action());
        assertEquals("mallory", denial.actor());
        assertEquals("digits-mlp@2", denial.subject());
        JsonNode details = new ObjectMapper().readTree(denial.details());
        assertEquals(policySha, details.get("policy_sha256").asText());
        assertEquals("model.promote.champion", details.get("denied").get(0).get("permission").asText());

        CliHarness.Result ungated = rita.run("promote", "digits-mlp@2", "--alias", "champion", "--reason", "ship it");
        assertEquals(4, ungated.exit(), ungated::toString);
        assertTrue(ungated.err().contains("keel: Cannot promote digits-mlp@2 to champion: its gates were never checked (run keel gate "
                + "digits-mlp@2); a role with model.force may override with --force, audited"), ungated.err());
        assertEquals(6, rita.run("promote", "digits-mlp@2", "--alias", "champion", "--reason", "ship it", "--force").exit(),
                "forcing needs model.force, which model.promote.* does not cover");
        CliHarness.Result forced = ada.run("promote", "digits-mlp@2", "--alias", "champion", "--reason", "incident 42", "--force");
        assertEquals(0, forced.exit(), forced::toString);
        assertEquals("digits-mlp@champion -> 2 FORCED past its gates (was unset), by ada, recorded in _keel/model_aliases",
                forced.out().trim());
        AuditEvent started = runs.env().audit().log().tail(3).get(0);
        assertEquals("run.started", started.action());
        assertEquals(policySha, new ObjectMapper().readTree(started.details()).get("policy_sha256").asText(),
                "the policy that allowed it is hashed into the event");
        assertEquals(0, ada.run("promote", "digits-mlp@1", "--alias", "champion", "--reason", "back to one", "--force").exit());
        CliHarness.Result back = rita.run("rollback", "digits-mlp", "--alias", "champion");
        assertEquals(0, back.exit(), back::toString);
        assertEquals("digits-mlp@champion -> 2 (rolled back from 1), by rita", back.out().trim());
        assertTrue(mallory.run("models", "show", "digits-mlp@champion").out().startsWith("digits-mlp@2 "));

        assertEquals(0, mallory.run("models", "tag", "digits-mlp@2", "--add", "nightly", "--add", "reviewed").exit());
        assertEquals(0, mallory.run("models", "tag", "digits-mlp@2", "--remove", "nightly").exit());
        assertError(mallory.run("models", "tag", "digits-mlp@1", "--remove", "nightly"),
                "keel: Cannot remove tag 'nightly' from digits-mlp@1: it has no tags");
        assertError(mallory.run("models", "tag", "digits-mlp@1", "--add", "Not A Tag"), "keel: Invalid tag 'Not A Tag': use 1-64 "
                + "lower-case letters, digits, '.', '_', ':' or '-', e.g. nightly or reviewed:2026-q4");
        assertEquals(0, mallory.run("models", "set", "fraud-gbm@1", "--owner", "risk-team", "--accountable", "dana").exit());
        CliHarness.Result shown = mallory.run("models", "show", "digits-mlp@2");
        assertTrue(shown.out().contains("  aliases     champion\n  tags        reviewed\n"), shown.out());
        assertTrue(shown.out().contains(" rollback champion -> 2 by rita: rollback"), shown.out());

        assertEquals(List.of("digits-mlp@2"), search(mallory, "--tag", "reviewed"));
        assertEquals(List.of("fraud-gbm@1"), search(mallory, "--owner", "dana"));
        assertEquals(List.of("digits-mlp@2"), search(mallory, "accuracy>0.9", "accuracy<0.99", "macro_f1>=0.95"));
        assertEquals(List.of("digits-mlp@2", "fraud-gbm@1"), search(mallory, "accuracy!=0.95"));
        assertEquals(List.of("digits-mlp@1", "digits-mlp@2"), search(mallory, "--name", "digits-*", "--dataset", "digits"));
        assertEquals(List.of("digits-mlp@2"), search(mallory, "--alias", "champion"));
        assertEquals(List.of(), search(mallory, "--owner", "nobody"));
        assertError(mallory.run("models", "search", "accuracy~0.9"), "keel: Invalid metric filter 'accuracy~0.9': expected METRIC OP "
                + "NUMBER with OP one of > >= < <= = !=, e.g. accuracy>0.95");
    }

    private static List<String> search(CliHarness keel, String... criteria) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("models", "search", "--json"));
        args.addAll(List.of(criteria));
        CliHarness.Result r = keel.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        List<String> refs = new java.util.ArrayList<>();
        new ObjectMapper().readTree(r.out()).forEach(e -> refs.add(e.get("model").get("name").asText() + "@"
                + e.get("model").get("version").asLong()));
        return refs;
    }

    /** Exit 2 and one error line (besides keel's progress lines). */
    private static void assertError(CliHarness.Result r, String expected) {
        assertEquals(2, r.exit(), r::toString);
        assertEquals(List.of(expected), r.err().lines().filter(l -> !l.startsWith("[keel]")).toList(), r::toString);
    }
}
