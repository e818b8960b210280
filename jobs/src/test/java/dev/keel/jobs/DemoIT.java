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

/**
 * The README's first command, {@code scripts/keel demo}, on a fresh lakehouse and again on the same
 * one; then a release of its model: a challenger trained, compared, gated, promoted (and denied for
 * a user without the role), exported, scored, reproduced, its model card rendered in headless
 * Chromium, and a compliance report.
 */
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

        release(spark, home, keel);
    }

    private static void release(SparkSession spark, Path home, CliHarness contributor) throws Exception {
        Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
        CliHarness keel = contributor.env("KEEL_ACCESS_POLICY", conf.resolve("access-policy.yaml").toString())
                .env("KEEL_RELEASE_DIR", conf.resolve("release").toString());
        Path challenger = home.resolve("digits-mlp-short.yaml");
        Files.writeString(challenger, Files.readString(conf.resolve("models/digits-mlp.yaml")).replace("epochs: 30", "epochs: 1")
                .replace("learning_rate: 0.003", "learning_rate: 0.0003"));
        CliHarness.Result trained = keel.run("train", "--spec", challenger.toString(), "--split", "digits@0");
        assertEquals(0, trained.exit(), trained::toString);
        assertTrue(trained.out().contains("Trained digits-mlp version 2"), trained.out());

        CliHarness.Result compared = keel.run("compare", "--candidate", "digits-mlp@2", "--baseline", "digits-mlp@1");
        assertEquals(0, compared.exit(), compared::toString);
        assertTrue(compared.out().contains("McNemar exact: ") && compared.out().contains("; p = ")
                && compared.out().contains("verdict at alpha 0.05: worse"), compared.out());

        CliHarness.Result gated = keel.run("gate", "digits-mlp@1");
        assertEquals(0, gated.exit(), gated::toString);
        assertTrue(gated.out().contains("PASSED: 5 of 5 gate(s) passed"), gated.out());
        CliHarness.Result denied = keel.run("promote", "digits-mlp@1", "--alias", "champion", "--reason", "first release");
        assertEquals(6, denied.exit(), "contributors may not move champion: " + denied);
        keel.env("KEEL_ACTOR", "release-bot");
        CliHarness.Result promoted = keel.run("promote", "digits-mlp@1", "--alias", "champion", "--reason", "first release");
        assertEquals(0, promoted.exit(), promoted::toString);

        CliHarness.Result failed = keel.run("gate", "digits-mlp@2");
        assertEquals(4, failed.exit(), failed::toString);
        assertTrue(failed.out().contains("FAIL minimum") && failed.out().contains("FAIL champion")
                && failed.out().contains("against champion digits-mlp@1"), failed.out());
        assertEquals(4, keel.run("promote", "digits-mlp@2", "--alias", "champion", "--reason", "newer").exit());
        assertTrue(keel.run("models", "show", "digits-mlp@champion").out().startsWith("digits-mlp@1 "));

        Path card = home.resolve("card");
        CliHarness.Result report = keel.run("report", "model", "digits-mlp@2", "--out", card.toString());
        assertEquals(0, report.exit(), report::toString);
        Scripts.Result rendered = Scripts.run(java.util.Map.of(), "scripts/chromium.sh", "render", card.resolve("index.html").toString(),
                home.resolve("rendered").toString());
        assertEquals(0, rendered.exit(), rendered::toString);
        String dom = Files.readString(home.resolve("rendered/dom.html"));
        for (String chart : java.util.List.of("loss", "confusion", "comparison", "history", "slices")) {
            java.util.regex.Matcher drawn = java.util.regex.Pattern.compile("<div class=\"chart\" id=\"chart-" + chart
                    + "\"[^>]*data-rendered=\"true\"[^>]*>.*?<svg.*?<path", java.util.regex.Pattern.DOTALL).matcher(dom);
            assertTrue(drawn.find(), "chart " + chart + " was drawn as SVG by ECharts");
        }
        assertTrue(dom.contains("model.gated") && dom.contains("digits-mlp@2"), "the card carries the version's audit trail");
        java.awt.image.BufferedImage shot = javax.imageio.ImageIO.read(home.resolve("rendered/screenshot.png").toFile());
        assertEquals(1200, shot.getWidth());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < shot.getHeight(); y += 3) {
            for (int x = 0; x < shot.getWidth(); x += 3) {
                colours.add(shot.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 200, "the screenshot shows charts, not a blank page: " + colours.size() + " colours");

        CliHarness.Result exported = keel.run("models", "export", "digits-mlp@champion", "--to", home.resolve("bundle").toString());
        assertEquals(0, exported.exit(), exported::toString);
        Process check = new ProcessBuilder("sha256sum", "--check", "--quiet", "SHA256SUMS").directory(home.resolve("bundle").toFile())
                .redirectErrorStream(true).start();
        assertEquals(0, check.waitFor(), "sha256sum -c accepts the bundle: " + new String(check.getInputStream().readAllBytes()));

        CliHarness.Result scored = keel.run("score", "--model", "digits-mlp@champion", "--input", "digits@0", "--output", "digits_nightly");
        assertEquals(0, scored.exit(), scored::toString);
        assertTrue(scored.out().startsWith("Scored 1,706 row(s) of " + home.resolve("lakehouse/datasets/digits") + "@v0 with digits-mlp@1"),
                scored.out());

        CliHarness.Result reproduced = keel.run("reproduce", "digits-mlp@champion");
        assertEquals(0, reproduced.exit(), reproduced::toString);
        assertTrue(reproduced.out().contains("REPRODUCED: bit-identical (one CPU worker: bit-identical model zip)"), reproduced.out());

        CliHarness.Result compliance = keel.run("report", "compliance", "--since", "2000-01-01", "--out", home.resolve("compliance")
                .toString());
        assertEquals(0, compliance.exit(), compliance::toString);
        String page = Files.readString(home.resolve("compliance/index.html"));
        assertTrue(page.contains("INTACT: ") && page.contains("access.denied") && page.contains("release-bot"), "compliance page");
    }
}
