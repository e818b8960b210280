package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.demo.DigitsDrop;

/**
 * {@code scripts/nightly-retrain.sh} as cron runs it, through the launcher: two started at once
 * let only one through (the other exits 75 at once), the night's exit code is passed through with
 * a one-screen summary and a log file of its own; the next night finds no new data.
 */
class NightlyIT {
    @Test
    void twoNightsAtOnceLetOnlyOneThrough(@TempDir Path home) throws Exception {
        Path conf = Scripts.HOME.resolve("conf").toAbsolutePath().normalize();
        Path lake = home.resolve("lake");
        DigitsDrop.shipped().write(new Configuration(), lake.resolve("raw/digits").toString());
        Path spec = Scripts.shortSpec(home.resolve("digits-short.yaml"), 2);
        Path config = home.resolve("it-nightly.properties");
        Files.writeString(config, String.join("\n", "pipeline.name = it-nightly", "ingest.contract = " + conf.resolve("contracts/digits.yaml"),
                "ingest.source = ${lake.root}/raw/digits", "quality.max_quarantined = 0.06", "split.stratify = label", "train.spec = " + spec,
                "promote.to = staging", "report.dir = " + home.resolve("reports"), ""));
        Path release = Scripts.gentleRelease(home);
        Map<String, String> env = Map.of("KEEL_LAKE_ROOT", lake.toString(), "KEEL_NIGHTLY_LOGS", home.resolve("logs").toString(),
                "KEEL_RELEASE_DIR", release.toString(), "KEEL_ACTOR", "nightly-it");

        CompletableFuture<Scripts.Result> a = CompletableFuture.supplyAsync(() -> nightly(env, config));
        CompletableFuture<Scripts.Result> b = CompletableFuture.supplyAsync(() -> nightly(env, config));
        List<Scripts.Result> both = List.of(a.get(), b.get());
        Scripts.Result ran = both.stream().filter(r -> r.exit() != 75).findFirst().orElseThrow();
        Scripts.Result locked = both.stream().filter(r -> r.exit() == 75).findFirst().orElseThrow(() -> new AssertionError(
                "one of two nights at once must find the lock held: " + both));
        assertTrue(locked.err().contains("nightly-retrain: pipeline it-nightly is already running"), locked::toString);
        assertEquals("", locked.out(), "the locked-out night did nothing");
        assertEquals(0, ran.exit(), ran::toString);
        assertTrue(ran.out().startsWith("== keel nightly: pipeline it-nightly, started "), ran.out());
        assertTrue(ran.out().contains("exit 0: done") && ran.out().contains("Pipeline it-nightly, attempt "), ran.out());
        assertTrue(ran.out().lines().anyMatch(l -> l.matches("\\s+promote\\s+succeeded\\s+run \\S+\\s+digits-mlp@1 promoted to staging")),
                ran.out());
        Path log = Path.of(ran.out().lines().filter(l -> l.startsWith("log: ")).findFirst().orElseThrow().substring(5));
        assertTrue(Files.readString(Scripts.HOME.resolve(log)).contains("[keel] run "), "the night's own log holds its output");

        Scripts.Result quiet = nightly(env, config);
        assertEquals(0, quiet.exit(), quiet::toString);
        assertTrue(quiet.out().contains("skipped, no new data: digits-mlp@1 was already trained"), quiet.out());
        try (var logs = Files.list(home.resolve("logs"))) {
            assertEquals(2, logs.count(), "one log file per night that ran");
        }

        Scripts.Result missing = nightly(env, home.resolve("absent.properties"));
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("no pipeline config"), missing.err());
    }

    private static Scripts.Result nightly(Map<String, String> env, Path config) {
        try {
            return Scripts.run(env, "scripts/nightly-retrain.sh", config.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
