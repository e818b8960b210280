package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.testing.SharedSpark;

/**
 * The README's first command, {@code scripts/keel demo}, on a fresh lakehouse: two nights of the
 * retraining pipeline (the shipped drop, then a new batch: a challenger, a comparison with the
 * champion and a promotion decision) and the reports; again on the same lakehouse, where nothing
 * is new; then a release by hand: a weak challenger trained, compared, gated, refused (and denied
 * for a user without the role), its model card rendered in headless Chromium, the champion
 * exported, scored, reproduced, and a compliance report. Finally the lakehouse, its records made
 * absolute as older keel versions wrote them, is copied to another directory and every guarantee
 * is checked in the copy with the original out of reach ({@link MovedLake}).
 */
@ExtendWith(SharedSpark.class)
class DemoIT {
    @Test
    void theDemoRunsTwoNightsOfThePipelineAndReports(SparkSession spark, @TempDir Path home) throws Exception {
        Path lake = home.resolve("lakehouse");
        Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
        CliHarness keel = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_QUALITY_CONTRACTS_DIR", conf.resolve("contracts").toString())
                .env("KEEL_TRAIN_MODELS_DIR", conf.resolve("models").toString())
                .env("KEEL_PIPELINE_DIR", conf.resolve("pipelines").toString())
                .env("KEEL_NOTEBOOK_DIR", Scripts.HOME.resolve("notebooks-export").toAbsolutePath().normalize().toString())
                .env("KEEL_RELEASE_DIR", conf.resolve("release").toString())
                .env("KEEL_ACCESS_POLICY", conf.resolve("access-policy.yaml").toString());

        CliHarness.Result first = keel.run("demo");
        assertEquals(0, first.exit(), first::toString);
        String out = first.out();
        assertTrue(out.contains("ok   lake.root " + lake), out);
        assertTrue(out.contains("(demo) SUCCEEDED, by tester"), out);
        assertTrue(out.contains("chain verified: 3 events, head #3"), out);
        assertTrue(out.contains("4. Night 1: the shipped drop") && out.contains("(as release-bot)"), out);
        assertTrue(out.contains("every injected fault was caught: 91 row(s) quarantined"), out);
        assertTrue(line(out, "ingest\\s+succeeded\\s+run \\S+\\s+5 new file\\(s\\), 1706 clean row\\(s\\), 91 quarantined: digits version 0"),
                out);
        assertTrue(line(out, "quality\\s+succeeded\\s+run \\S+\\s+5\\.0% of the new rows quarantined \\(limit 6\\.0%\\)"), out);
        assertTrue(line(out, "train\\s+succeeded\\s+run \\S+\\s+digits-mlp@1 trained \\d+ epoch\\(s\\).*"), out);
        assertTrue(line(out, "compare\\s+skipped\\s+skipped: no other champion to compare with"), out);
        assertTrue(line(out, "gate\\s+succeeded\\s+run \\S+\\s+every gate passed"), out);
        assertTrue(line(out, "promote\\s+succeeded\\s+run \\S+\\s+digits-mlp@1 promoted to champion"), out);

        assertTrue(out.contains("5. Night 2: a new batch of scans") && out.contains("new file digits-batch-2.csv: 599 scans, 8 of them dirty"),
                out);
        assertTrue(out.contains("every injected fault was caught: 8 row(s) quarantined"), out);
        assertTrue(line(out, "ingest\\s+succeeded\\s+run \\S+\\s+1 new file\\(s\\), 591 clean row\\(s\\), 8 quarantined: digits version 1"),
                out);
        assertTrue(line(out, "split\\s+succeeded\\s+run \\S+\\s+split digits@1 of digits version 1 .*"), out);
        assertTrue(line(out, "train\\s+succeeded\\s+run \\S+\\s+digits-mlp@2 trained .*"), out);
        assertTrue(line(out, "compare\\s+succeeded\\s+run \\S+\\s+digits-mlp@2 against champion digits-mlp@1: .* \\(McNemar p = .*\\)"),
                out);
        boolean promoted = line(out, "promote\\s+succeeded\\s+run \\S+\\s+digits-mlp@2 promoted to champion");
        assertTrue(promoted || line(out, "promote\\s+skipped\\s+skipped: digits-mlp@2 failed its gates \\(.*\\); the champion stays"),
                "night 2 decides: " + out);
        int champion = promoted ? 2 : 1;
        assertTrue(keel.run("models", "show", "digits-mlp@champion").out().startsWith("digits-mlp@" + champion + " "));
        for (int v = 1; v <= 2; v++) {
            assertTrue(out.contains("model card digits-mlp@" + v + ": " + lake.resolve("reports/digits-mlp-" + v + "/index.html")), out);
            assertTrue(Files.exists(lake.resolve("reports/digits-mlp-" + v + "/index.html")));
        }
        assertTrue(out.contains("compliance report: " + lake.resolve("reports/compliance/index.html")) && out.contains("chain intact"), out);
        for (String notebook : notebooks()) {
            String name = Path.of(notebook).getFileName().toString().replace(".sql", "");
            Path page = lake.resolve("reports/notebooks/" + name + "/index.html");
            assertTrue(line(out, java.util.regex.Pattern.quote(notebook) + ": \\d+ queries, [1-9]\\d* row\\(s\\); report "
                    + java.util.regex.Pattern.quote(page.toString())), "every analyst notebook runs against the demo's lakehouse: " + out);
            assertTrue(Files.readString(page).contains("<table class=\"rows\">"), name);
        }

        CliHarness.Result second = keel.run("demo");
        assertEquals(0, second.exit(), second::toString);
        assertEquals(2, second.out().split("skipped, no new data: digits-mlp@2 was already trained from ", -1).length - 1,
                "neither night finds new data the second time: " + second.out());
        assertEquals(2, spark.read().format("delta").load(lake.resolve("_keel/models").toString()).count());
        try (Stream<Path> anchors = Files.list(lake.resolve("_keel/audit_anchors"))) {
            assertTrue(anchors.filter(p -> p.getFileName().toString().matches("anchor-\\d{12}-\\d+\\.json")).count() > 20,
                    "every state-changing run anchors the chain as it ends");
        }
        assertEquals(4, spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .filter("kind = 'pipeline' AND status = 'SUCCEEDED' AND actor = 'release-bot'").count(), "four nights, as the service account");
        CliHarness.Result verify = keel.run("audit", "verify");
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.out().contains("; 0 event(s) follow it"), "the last run anchored the head: " + verify.out());

        release(spark, home, keel, champion);

        MovedLake.recordAbsolute(spark, lake.toString());
        Path copy = home.resolve("lakehouse-copy");
        MovedLake.copy(spark.sparkContext().hadoopConfiguration(), lake.toString(), copy.toString());
        Files.move(lake, home.resolve("lakehouse-gone"));
        CliHarness inCopy = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", copy.toString());
        MovedLake.check(spark, inCopy, copy.toString(), lake.toString(), "digits", "digits-mlp@3");

        Path log = copy.resolve("_keel/audit/_delta_log");
        Files.deleteIfExists(log.resolve("_last_checkpoint"));
        try (Stream<Path> commits = Files.list(log)) {
            List<Path> newest = commits.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
            long cut = Long.parseLong(newest.get(newest.size() - 2).getFileName().toString().substring(0, 20));
            try (Stream<Path> all = Files.list(log)) {
                for (Path p : all.toList()) {
                    String name = p.getFileName().toString();
                    if (name.matches("\\d{20}\\..*") && Long.parseLong(name.substring(0, 20)) >= cut) {
                        Files.delete(p);
                    }
                }
            }
        }
        CliHarness.Result truncated = inCopy.run("audit", "verify");
        assertEquals(3, truncated.exit(), "deleting the newest commits of the audit table is caught: " + truncated);
        assertTrue(truncated.out().contains("were cut off"), truncated::toString);
    }

    /** Every notebook of notebooks-export/, as absolute paths. */
    private static List<String> notebooks() throws java.io.IOException {
        try (Stream<Path> files = Files.list(Scripts.HOME.resolve("notebooks-export").toAbsolutePath().normalize())) {
            List<String> all = files.filter(f -> f.toString().endsWith(".sql")).map(Path::toString).sorted().toList();
            assertTrue(all.size() >= 5, all::toString);
            return all;
        }
    }

    private static boolean line(String out, String regex) {
        return out.lines().anyMatch(l -> l.matches("\\s+" + regex));
    }

    private static void release(SparkSession spark, Path home, CliHarness keel, int champion) throws Exception {
        Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
        Path challenger = home.resolve("digits-mlp-short.yaml");
        Files.writeString(challenger, Files.readString(conf.resolve("models/digits-mlp.yaml")).replace("epochs: 30", "epochs: 1")
                .replace("learning_rate: 0.003", "learning_rate: 0.0003"));
        CliHarness.Result trained = keel.run("train", "--spec", challenger.toString(), "--split", "digits@1");
        assertEquals(0, trained.exit(), trained::toString);
        assertTrue(trained.out().contains("Trained digits-mlp version 3"), trained.out());

        CliHarness.Result compared = keel.run("compare", "--candidate", "digits-mlp@3", "--baseline", "digits-mlp@champion");
        assertEquals(0, compared.exit(), compared::toString);
        assertTrue(compared.out().contains("McNemar exact: ") && compared.out().contains("; p = ")
                && compared.out().contains("verdict at alpha 0.05: worse"), compared.out());

        CliHarness.Result failed = keel.run("gate", "digits-mlp@3");
        assertEquals(4, failed.exit(), failed::toString);
        assertTrue(failed.out().contains("FAIL minimum") && failed.out().contains("FAIL champion")
                && failed.out().contains("against champion digits-mlp@" + champion), failed.out());
        CliHarness.Result denied = keel.run("promote", "digits-mlp@3", "--alias", "champion", "--reason", "newer");
        assertEquals(6, denied.exit(), "contributors may not move champion: " + denied);
        CliHarness.Result refused = keel.env("KEEL_ACTOR", "release-bot").run("promote", "digits-mlp@3", "--alias", "champion", "--reason",
                "newer");
        assertEquals(4, refused.exit(), "not past failed gates: " + refused);
        assertTrue(keel.run("models", "show", "digits-mlp@champion").out().startsWith("digits-mlp@" + champion + " "));
        keel.env("KEEL_ACTOR", "tester");

        Path card = home.resolve("card");
        CliHarness.Result report = keel.run("report", "model", "digits-mlp@3", "--out", card.toString());
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
        assertTrue(dom.contains("model.gated") && dom.contains("digits-mlp@3"), "the card carries the version's audit trail");
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
        assertTrue(scored.out().startsWith("Scored 1,706 row(s) of " + home.resolve("lakehouse/datasets/digits") + "@v0 with digits-mlp@"
                + champion), scored.out());

        CliHarness.Result reproduced = keel.run("reproduce", "digits-mlp@champion");
        assertEquals(0, reproduced.exit(), reproduced::toString);
        assertTrue(reproduced.out().contains("REPRODUCED: bit-identical (one CPU worker: bit-identical model zip)"), reproduced.out());

        CliHarness.Result compliance = keel.run("report", "compliance", "--since", "2000-01-01", "--out", home.resolve("compliance")
                .toString());
        assertEquals(0, compliance.exit(), compliance::toString);
        String page = Files.readString(home.resolve("compliance/index.html"));
        assertTrue(page.contains("INTACT: ") && page.contains("access.denied") && page.contains("release-bot"), "compliance page");

        List<String> command = new java.util.ArrayList<>(List.of("notebook", "run"));
        List<String> chosen = notebooks().stream().filter(n -> n.endsWith("audit-review.sql") || n.endsWith("regression-history.sql")).toList();
        assertEquals(2, chosen.size(), chosen::toString);
        command.addAll(chosen);
        command.addAll(List.of("--out", home.resolve("notebooks").toString()));
        CliHarness.Result ran = keel.run(command.toArray(String[]::new));
        assertEquals(0, ran.exit(), "the notebooks see the release by hand: " + ran);
        for (String n : chosen) {
            String name = Path.of(n).getFileName().toString().replace(".sql", "");
            assertTrue(ran.out().contains(n + ": "), ran.out());
            String html = Files.readString(home.resolve("notebooks/" + name + "/index.html"));
            assertTrue(html.contains("<table class=\"rows\">") && html.contains("digits-mlp@3"), name + " shows the refused challenger");
        }
    }
}
