package dev.keel.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.compare.Evaluation;
import dev.keel.compare.SliceEvaluator;
import dev.keel.compare.SliceMetrics;
import dev.keel.error.ExitCode;
import dev.keel.error.UsageException;
import dev.keel.registry.AliasChange;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitReader;
import dev.keel.testing.DigitsLake;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;
import dev.keel.train.TrainedModel;

/**
 * Two digits models on one split: evaluated per slice, gated (minimum metrics, champion, slices,
 * golden set, latency), promoted, refused, forced and rolled back, all on real Delta tables.
 */
@ExtendWith(SharedSpark.class)
class ReleaseFlowTest {
    @Test
    void evaluateGatePromoteForceAndRollBack(SparkSession spark, @TempDir Path dir) throws Exception {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        SplitManifest split = DigitsLake.ingestAndSplit(runs, spark, dir);
        String text = Files.readString(Path.of("..", "conf", "models", "digits-mlp.yaml"));
        ModelSpec weak = ModelSpecParser.parse("weak.yaml", text.replace("epochs: 30", "epochs: 1").replace("learning_rate: 0.003",
                "learning_rate: 0.0002"));
        ModelSpec strong = ModelSpecParser.parse("strong.yaml", text.replace("epochs: 30", "epochs: 3"));
        runs.run("train", run -> new TrainJob(run).train(TrainRequest.local(strong, "digits", 0)));
        runs.run("train", run -> new TrainJob(run).train(TrainRequest.local(weak, "digits", 0)));
        ModelCatalog catalog = new ModelCatalog(runs.env().store().kernel(), runs.env().layout());
        ModelVersion v1 = catalog.resolve("digits-mlp@1");
        long testRows = split.statistics().rows().get("test");

        Path golden = dir.resolve("golden.csv");
        writeGolden(spark, runs, v1, golden, false);
        String policyText = """
                model: digits-mlp
                evaluation:
                  slices:
                    - column: station
                    - { name: top_left_ink, where: "pixel_2 > 8" }
                gates:
                  minimum: { accuracy: 0.8 }
                  champion: { max_drop: { accuracy: 0.02 }, not_significantly_worse: true }
                  slices: { minimum: { accuracy: 0.5 }, min_examples: 5 }
                  golden: { file: golden.csv, min_agreement: 1.0 }
                  latency: { batch_size: 64, max_ms: 5000 }
                """;
        ReleasePolicy policy = ReleasePolicyParser.parse("digits-mlp.yaml", policyText, dir);

        Evaluation e = runs.run("evaluate", run -> new SliceEvaluator(run).evaluate(v1, Optional.empty(), policy.slices(),
                policy.declared()));
        assertEquals(testRows, e.overall().examples());
        assertEquals(v1.metrics().get("accuracy"), e.overall().metrics().get("accuracy"), 1e-9,
                "the evaluation reproduces the accuracy registered at training");
        List<SliceMetrics> stations = e.slices().stream().filter(s -> s.slice().startsWith("station=")).toList();
        assertTrue(stations.size() >= 2, e.slices()::toString);
        assertEquals(testRows, stations.stream().mapToLong(SliceMetrics::examples).sum(), "station slices partition the test split");
        long inked = spark.read().format("delta").option("versionAsOf", 0).load(split.table().table())
                .where("split = 'test' AND pixel_2 > 8").count();
        assertEquals(inked, e.slice("top_left_ink").orElseThrow().examples());
        assertEquals(1 + stations.size() + 1, spark.read().format("delta").load(dir.resolve("lake/_keel/evaluations").toString())
                .where("kind = 'evaluation'").count(), "one row per slice");

        GateReport first = runs.run("gate", run -> new GateCheck(run).check("digits-mlp@1", policy));
        assertTrue(first.passed(), first::toString);
        assertEquals(List.of("minimum", "champion", "slices", "golden", "latency"), first.results().stream().map(GateResult::gate).toList());
        assertEquals("no champion yet: nothing to regress from", first.results().get(1).detail());
        assertEquals(1.0, first.results().get(3).measured().get("agreement"), 0);

        AliasChange promoted = runs.run("promote", run -> new Promotion(run).promote("digits-mlp@1", "champion", "first release", false,
                policy));
        assertEquals(1, promoted.version());
        assertEquals(Optional.empty(), promoted.previousVersion());
        assertEquals(1, catalog.resolve("digits-mlp@champion").version());

        GateFailedException ungated = assertThrows(GateFailedException.class, () -> runs.run("promote",
                run -> new Promotion(run).promote("digits-mlp@2", "champion", "try", false, policy)));
        assertEquals(ExitCode.MODEL_GATE, ungated.exitCode());
        assertTrue(ungated.getMessage().contains("its gates were never checked (run keel gate digits-mlp@2)"), ungated.getMessage());

        writeGolden(spark, runs, catalog.resolve("digits-mlp@2"), golden, true);
        GateReport second = runs.run("gate", run -> new GateCheck(run).check("digits-mlp@2", policy));
        assertFalse(second.passed(), second::toString);
        assertEquals(Optional.of(v1.version()), second.champion().map(c -> c.version()));
        GateResult champion = second.results().stream().filter(r -> r.gate().equals("champion")).findFirst().orElseThrow();
        assertFalse(champion.passed(), "one epoch at a tenth of the learning rate regresses from three: " + champion.detail());
        assertTrue(champion.detail().startsWith("against champion digits-mlp@1 on "), champion.detail());
        GateResult goldenResult = second.results().stream().filter(r -> r.gate().equals("golden")).findFirst().orElseThrow();
        assertFalse(goldenResult.passed());
        assertEquals(0.9, goldenResult.measured().get("agreement"), 1e-12);
        assertTrue(goldenResult.detail().contains("wrong on line(s) 2 of golden.csv"), goldenResult.detail());

        GateFailedException failed = assertThrows(GateFailedException.class, () -> runs.run("promote",
                run -> new Promotion(run).promote("digits-mlp@2", "champion", "try", false, policy)));
        assertTrue(failed.getMessage().contains("it failed its gates in run "), failed.getMessage());
        AliasChange forced = runs.run("promote", run -> new Promotion(run).promote("digits-mlp@2", "champion", "hotfix", true, policy));
        assertTrue(forced.forced());
        assertEquals(Optional.of(1L), forced.previousVersion());
        assertTrue(runs.env().audit().log().tail(4).stream().anyMatch(a -> a.action().equals("model.promoted")
                && a.details().contains("\"forced\":true") && a.details().contains("\"override\":\"it failed its gates")));

        AliasChange back = runs.run("rollback", run -> new Promotion(run).rollback("digits-mlp", "champion", "forced release misbehaved"));
        assertEquals(1, back.version());
        assertEquals(Optional.of(2L), back.previousVersion());
        Registry registry = catalog.read();
        assertEquals(1, registry.resolve("digits-mlp@champion").version());
        assertEquals(List.of(1L, 2L, 1L), registry.changes("digits-mlp", "champion").stream().map(AliasChange::version).toList());
        assertEquals(3, spark.read().format("delta").load(dir.resolve("lake/_keel/model_aliases").toString()).count());
        UsageException nothing = assertThrows(UsageException.class, () -> runs.run("rollback",
                run -> new Promotion(run).rollback("digits-mlp", "champion", "")));
        assertEquals("Cannot roll back digits-mlp@champion: it has pointed only at version 1, so there is no earlier holder",
                nothing.getMessage());
        UsageException unknown = assertThrows(UsageException.class, () -> catalog.resolve("digits-mlp@production"));
        assertTrue(unknown.getMessage().endsWith("its aliases are champion -> 1"), unknown.getMessage());

        exportScoreAndReproduce(spark, runs, dir, v1);
    }

    private static void exportScoreAndReproduce(SparkSession spark, TestRuns runs, Path dir, ModelVersion champion) throws Exception {
        Path bundle = dir.resolve("bundle");
        ModelExport.Bundle exported = runs.run("export", run -> new ModelExport(run).export("digits-mlp@champion", bundle));
        assertEquals(dev.keel.build.Digests.sha256Hex(Files.readAllBytes(bundle.resolve("model.zip"))), champion.modelSha256());
        List<String> sums = Files.readAllLines(bundle.resolve(ModelExport.CHECKSUMS));
        for (String line : sums) {
            String[] parts = line.split("  ", 2);
            assertEquals(parts[0], dev.keel.build.Digests.sha256Hex(Files.readAllBytes(bundle.resolve(parts[1]))), line);
        }
        assertTrue(sums.stream().map(l -> l.split("  ", 2)[1]).toList().containsAll(List.of("model.zip", "manifest.json", "spec.yaml",
                "lineage.json", "card/index.html", "card/echarts.min.js")), sums::toString);
        assertEquals(sums.size(), exported.files().size());
        assertTrue(Files.readString(bundle.resolve("lineage.json")).contains("\"sourceTable\""), "lineage names the split's source");
        assertThrows(UsageException.class, () -> runs.run("export", run -> new ModelExport(run).export("digits-mlp@champion", bundle)),
                "a bundle is never overwritten");

        dev.keel.score.BatchScorer.ScoreResult scored = runs.run("score",
                run -> new dev.keel.score.BatchScorer(run).score("digits-mlp@champion", "digits", 0, "digits_scored"));
        long rows = spark.read().format("delta").option("versionAsOf", 0).load(dir.resolve("lake/datasets/digits").toString()).count();
        assertEquals(rows, scored.rows());
        Row first = spark.read().format("delta").load(scored.output().table()).first();
        assertEquals("digits-mlp", first.getAs("model_name"));
        assertEquals(1L, (long) first.getAs("model_version"));
        assertEquals(champion.modelSha256(), first.getAs("model_sha256"));
        assertEquals(0L, (long) first.getAs("input_version"));
        assertTrue(List.of(first.schema().fieldNames()).containsAll(List.of("image_id", "station", "prediction", "probability")));
        assertFalse(List.of(first.schema().fieldNames()).contains("pixel_0"), "features are not copied into predictions");
        double agreement = spark.read().format("delta").load(scored.output().table()).join(
                spark.read().format("delta").option("versionAsOf", 0).load(dir.resolve("lake/datasets/digits").toString()), "image_id")
                .where("prediction = label").count() / (double) rows;
        assertTrue(agreement > 0.9, "executors classify as the driver does: " + agreement);
        assertTrue(runs.run("score", run -> new dev.keel.score.BatchScorer(run).score("digits-mlp@1", "digits", 0, "digits_scored"))
                .unchanged(), "scoring the same input with the same model again changes nothing");

        Reproduction.Result again = runs.run("reproduce", run -> new Reproduction(run).reproduce("digits-mlp@1"));
        assertTrue(again.bitIdentical() && again.reproducedOk(), again::toString);
        assertEquals(champion.modelSha256(), again.reproducedSha256());
    }

    /** Ten test rows with the model's own predictions as expected outputs; the first one wrong when {@code spoil}. */
    private static void writeGolden(SparkSession spark, TestRuns runs, ModelVersion v, Path file, boolean spoil) throws Exception {
        TrainedModel model = TrainedModel.load(spark.sparkContext().hadoopConfiguration(), v);
        List<Row> rows = new SplitReader(runs.env().store(), runs.env().layout()).read(v.test()).limit(10).collectAsList();
        List<String> features = model.spec().features();
        double[][] x = new double[rows.size()][features.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < features.size(); i++) {
                x[r][i] = ((Number) rows.get(r).getAs(features.get(i))).doubleValue();
            }
        }
        int[] predicted = model.classify(Nd4j.create(x));
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", features) + ",label");
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (double value : x[r]) {
                line.append(value).append(',');
            }
            lines.add(line.append(spoil && r == 0 ? (predicted[r] + 1) % 10 : predicted[r]).toString());
        }
        Files.write(file, lines);
    }
}
