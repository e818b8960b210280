package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.demo.DigitsDrop;
import dev.keel.lake.Commit;
import dev.keel.lake.DeltaStore;
import dev.keel.testing.SharedSpark;

/**
 * {@code keel pipeline}: a night that fails at training continues there once the spec is fixed,
 * redoing nothing before it; a night without new data skips training; a night whose data fails
 * the quality gate stops there and stays stopped; bad configs are one line naming file, line and key.
 */
@ExtendWith(SharedSpark.class)
class PipelineCliTest {
    private static final Path CONF = Scripts.HOME.resolve("conf").toAbsolutePath().normalize();

    @TempDir
    Path home;

    @Test
    void aFailedNightContinuesFromItsFailedStepAndANightWithoutNewDataSkipsTraining(SparkSession spark) throws Exception {
        Path lake = home.resolve("lakehouse");
        Path raw = lake.resolve("raw/digits");
        DigitsDrop.shipped().write(spark.sparkContext().hadoopConfiguration(), raw.toString());
        Path spec = home.resolve("digits-short.yaml");
        Files.writeString(spec, "model: digits-mlp\ntask: classification\n");
        Path config = config("nightly", raw, spec, "0.05");
        CliHarness keel = keel(spark, lake);

        CliHarness.Result failed = keel.run("pipeline", "--config", config.toString());
        assertEquals(2, failed.exit(), failed::toString);
        assertTrue(failed.err().contains("Model spec " + spec), failed.err());
        assertEquals(List.of("ingest=SUCCEEDED", "quality=SUCCEEDED", "split=SUCCEEDED", "train=FAILED"), steps(spark, lake));

        Scripts.shortSpec(spec, 4);
        CliHarness.Result resumed = keel.run("pipeline", "--config", config.toString());
        assertTrue(resumed.exit() == 0 || resumed.exit() == 4, resumed::toString);
        assertTrue(resumed.out().contains("(continued after a failure)"), resumed.out());
        assertEquals(1, runs(spark, lake, "ingest"), "the ingest that succeeded is not redone");
        assertEquals(1, runs(spark, lake, "split"), "nor the split");
        assertEquals(1, runs(spark, lake, "train"));
        assertTrue(resumed.out().lines().anyMatch(l -> l.matches("\\s+ingest\\s+succeeded\\s+run \\S+\\s+\\d+ new file\\(s\\).*")),
                resumed.out());
        assertTrue(resumed.out().lines().anyMatch(l -> l.matches("\\s+train\\s+succeeded\\s+run \\S+\\s+digits-mlp@1 trained 4 epoch.*")),
                resumed.out());
        assertTrue(resumed.out().lines().anyMatch(l -> l.matches("\\s+compare\\s+skipped\\s+skipped: no other champion to compare with")),
                resumed.out());
        if (resumed.exit() == 0) {
            assertTrue(resumed.out().contains("digits-mlp@1 promoted to champion"), resumed.out());
        } else {
            assertTrue(resumed.out().contains("rejected: failed"), resumed.out());
        }
        assertTrue(Files.exists(home.resolve("reports/digits-mlp-1/index.html")), "the model card is written");

        CliHarness.Result quiet = keel.run("pipeline", "--config", config.toString());
        assertEquals(0, quiet.exit(), quiet::toString);
        assertTrue(!quiet.out().contains("continued"), quiet.out());
        assertTrue(quiet.out().contains("skipped, no new data: digits-mlp@1 was already trained from " + spec + " on digits@0"),
                quiet.out());
        assertTrue(quiet.out().lines().anyMatch(l -> l.matches("\\s+promote\\s+skipped\\s+skipped: no new data.*")), quiet.out());
        assertEquals(1, spark.read().format("delta").load(lake.resolve("_keel/models").toString()).count(), "no model trained");
        assertEquals(2, runs(spark, lake, "ingest"));
        assertEquals(1, runs(spark, lake, "split"), "the data version did not change: no new split");
        assertEquals(3, spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .where("kind = 'pipeline'").count(), "every night is a run");

        DeltaStore store = new DeltaStore(spark);
        Set<String> runIds = new HashSet<>(spark.read().format("delta").load(lake.resolve("_keel/runs").toString()).select("run_id")
                .as(Encoders.STRING()).collectAsList());
        try (Stream<Path> tables = Files.walk(lake, 3)) {
            List<Path> delta = tables.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).toList();
            assertTrue(delta.size() >= 10, delta::toString);
            for (Path table : delta) {
                for (Commit c : store.history(table.toString(), Integer.MAX_VALUE)) {
                    assertTrue(c.userMetadata().filter(runIds::contains).isPresent(), "commit " + c.version() + " (" + c.operation()
                            + ") of " + table + " names the run that made it: " + c.userMetadata());
                }
            }
        }
    }

    @Test
    void aNightThatFailsItsQualityGateStopsThereUntilTheLimitChanges(SparkSession spark) throws Exception {
        Path lake = home.resolve("strict");
        Path raw = lake.resolve("raw/digits");
        DigitsDrop.shipped().write(spark.sparkContext().hadoopConfiguration(), raw.toString());
        Path config = config("strict", raw, CONF.resolve("models/digits-mlp.yaml"), "0.001");
        CliHarness keel = keel(spark, lake);
        for (int night = 1; night <= 2; night++) {
            CliHarness.Result stopped = keel.run("pipeline", "--config", config.toString());
            assertEquals(3, stopped.exit(), stopped::toString);
            assertTrue(stopped.err().contains("Quality gate of pipeline strict: ") && stopped.err().contains("more than "
                    + "quality.max_quarantined = 0.1%"), stopped.err());
        }
        assertEquals(1, runs(spark, lake, "ingest"), "the second night continued at the quality gate");
        assertEquals(0, runs(spark, lake, "split"));

        Files.writeString(config, Files.readString(config).replace("quality.max_quarantined = 0.001", "trian.spec = x"));
        CliHarness.Result bad = keel.run("pipeline", "--config", config.toString());
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().startsWith("keel: Pipeline config " + config + ":5: trian.spec: unknown key; known keys: "), bad.err());
        Files.writeString(config, Files.readString(config).replace("trian.spec = x", "quality.max_quarantined = 0.001")
                .replace("promote.to = champion", "promote.to = production"));
        CliHarness.Result alias = keel.run("pipeline", "--config", config.toString());
        assertEquals(2, alias.exit(), alias::toString);
        assertTrue(alias.err().contains(":8: promote.to: 'production' is not one of champion, staging, none"), alias.err());
        Files.writeString(config, Files.readString(config).replace("promote.to = production", "promote.to = champion")
                .replace("pipeline.name = strict\n", ""));
        CliHarness.Result nameless = keel.run("pipeline", "--config", config.toString());
        assertEquals(2, nameless.exit(), nameless::toString);
        assertTrue(nameless.err().contains("strict.properties: pipeline.name: required key is missing"), nameless.err());
    }

    private Path config(String name, Path raw, Path spec, String maxQuarantined) throws Exception {
        Path config = home.resolve(name + ".properties");
        Files.writeString(config, String.join("\n", "# " + name, "pipeline.name = " + name,
                "ingest.contract = " + CONF.resolve("contracts/digits.yaml"), "ingest.source = " + raw,
                "quality.max_quarantined = " + maxQuarantined, "split.stratify = label", "train.spec = " + spec, "promote.to = champion",
                "report.dir = " + home.resolve("reports"), ""));
        return config;
    }

    private static CliHarness keel(SparkSession spark, Path lake) {
        return new CliHarness(spark, lake.getParent()).env("KEEL_LAKE_ROOT", lake.toString()).env("KEEL_RELEASE_DIR",
                CONF.resolve("release").toString());
    }

    private static long runs(SparkSession spark, Path lake, String kind) {
        return spark.read().format("delta").load(lake.resolve("_keel/runs").toString()).where("kind = '" + kind + "' AND status = "
                + "'SUCCEEDED'").count();
    }

    private static List<String> steps(SparkSession spark, Path lake) {
        Dataset<Row> rows = spark.read().format("delta").load(lake.resolve("_keel/pipeline_runs").toString()).orderBy("ended_at");
        return rows.selectExpr("concat(step, '=', status)").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }
}
