package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.demo.DigitsDrop;
import dev.keel.testing.LocalS3;
import dev.keel.testing.SharedSpark;

/**
 * {@code keel pipeline} with {@code lake.root} on {@code s3a://} against the real local S3 server:
 * raw files, Delta tables, model artifacts and model cards all live in the bucket. Three nights
 * with {@code retrain.when = drift}: the first trains and promotes a champion; the second ingests a
 * new batch and splits it but, no feature having drifted past the threshold, trains nothing; the
 * third, under a threshold the batch's drift reaches, trains a challenger on that split and
 * compares it with the champion.
 */
@ExtendWith({SharedSpark.class, LocalS3.class})
class PipelineS3IT {
    private static final Path CONF = Scripts.HOME.resolve("conf").toAbsolutePath().normalize();
    private static final Pattern LARGEST = Pattern.compile("\\(largest (\\d+\\.\\d+)\\)");

    @TempDir
    Path home;

    @Test
    void nightsOnALakeInS3RetrainOnlyWhenAFeatureDrifted(SparkSession spark) throws Exception {
        String lake = "s3a://lake/pipeline-" + UUID.randomUUID();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        DigitsDrop.shipped().write(hadoop, lake + "/raw/digits");
        Path spec = Scripts.shortSpec(home.resolve("digits-short.yaml"), 3);
        Path release = Scripts.gentleRelease(home);
        Path config = home.resolve("s3-nightly.properties");
        Files.writeString(config, String.join("\n", "pipeline.name = s3-nightly", "ingest.contract = " + CONF.resolve("contracts/digits.yaml"),
                "ingest.source = ${lake.root}/raw/digits", "quality.max_quarantined = 0.06", "split.stratify = label",
                "train.spec = " + spec, "retrain.when = drift", "retrain.drift_threshold = 50", "promote.to = champion",
                "report.dir = ${lake.root}/reports", ""));
        CliHarness keel = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake).env("KEEL_RELEASE_DIR", release.toString())
                .env("KEEL_ACTOR", "release-bot").env("KEEL_S3_ENDPOINT", LocalS3.ENDPOINT).env("KEEL_S3_PATH_STYLE_ACCESS", "true")
                .env("KEEL_S3_SSL_ENABLED", "false");
        LocalS3.ENVIRONMENT.forEach(keel::env);

        CliHarness.Result first = keel.run("pipeline", "--config", config.toString());
        assertEquals(0, first.exit(), first::toString);
        assertTrue(first.out().contains("digits-mlp@1 promoted to champion"), first.out());
        assertTrue(first.out().contains("model card " + lake + "/reports/digits-mlp-1/index.html"), first.out());
        assertTrue(exists(hadoop, lake + "/reports/digits-mlp-1/index.html") && exists(hadoop, lake + "/reports/digits-mlp-1/echarts.min.js"),
                "the model card is written into the bucket");

        DigitsDrop.shipped().writeBatch(hadoop, lake + "/raw/digits", 2);
        CliHarness.Result calm = keel.run("pipeline", "--config", config.toString());
        assertEquals(0, calm.exit(), calm::toString);
        assertTrue(calm.out().lines().anyMatch(l -> l.matches("\\s+split\\s+succeeded\\s+run \\S+\\s+split digits@1 of digits version 1 .*")),
                calm.out());
        assertTrue(calm.out().contains("skipped, drift under the threshold: no feature of digits moved from version 0 to 1 by PSI 50.00 "
                + "or more"), calm.out());
        assertTrue(calm.out().lines().anyMatch(l -> l.matches("\\s+promote\\s+skipped\\s+skipped: drift under the threshold, nothing trained")),
                calm.out());
        assertEquals(1, count(spark, lake + "/_keel/models"), "nothing trained on the calm night");

        Matcher largest = LARGEST.matcher(calm.out());
        assertTrue(largest.find(), calm.out());
        double psi = Double.parseDouble(largest.group(1));
        assertTrue(psi > 0, "a batch of shifted scans moves some pixel's distribution: " + calm.out());
        Files.writeString(config, Files.readString(config).replace("retrain.drift_threshold = 50",
                String.format(Locale.ROOT, "retrain.drift_threshold = %.4f", psi / 2)));
        CliHarness.Result drifted = keel.run("pipeline", "--config", config.toString());
        assertTrue(drifted.exit() == 0 || drifted.exit() == 4, drifted::toString);
        assertTrue(drifted.out().lines().anyMatch(l -> l.matches("\\s+ingest\\s+succeeded\\s+run \\S+\\s+no new files; digits stays at version 1")),
                drifted.out());
        assertTrue(drifted.out().lines().anyMatch(l -> l.matches("\\s+split\\s+skipped\\s+skipped: split digits@1 already splits digits "
                + "version 1")), drifted.out());
        assertTrue(drifted.out().lines().anyMatch(l -> l.matches("\\s+train\\s+succeeded\\s+run \\S+\\s+digits-mlp@2 trained 3 epoch.*")),
                drifted.out());
        assertTrue(drifted.out().lines().anyMatch(l -> l.matches("\\s+compare\\s+succeeded\\s+run \\S+\\s+digits-mlp@2 against champion "
                + "digits-mlp@1: .*")), drifted.out());

        List<Row> models = spark.read().format("delta").load(lake + "/_keel/models").orderBy("version").collectAsList();
        assertEquals(2, models.size());
        Row challenger = models.get(1);
        assertEquals("models/digits-mlp/2", challenger.<String>getAs("artifact_uri"), "named relative to the lake: " + challenger);
        assertEquals(1L, challenger.<Long>getAs("train_version"), "trained on the split of the second night's data");
        assertTrue(exists(hadoop, lake + "/" + challenger.<String>getAs("artifact_uri") + "/model.zip"), "the artifact is in the bucket");
        assertEquals(3, spark.read().format("delta").load(lake + "/_keel/audit").where("action = 'pipeline.completed'").count(),
                "three nights completed");
        assertEquals(0, spark.read().format("delta").load(lake + "/_keel/audit").where("action = 'pipeline.step.failed'").count());
    }

    private static boolean exists(Configuration hadoop, String location) throws Exception {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
        return p.getFileSystem(hadoop).exists(p);
    }

    private static long count(SparkSession spark, String table) {
        return spark.read().format("delta").load(table).count();
    }
}
