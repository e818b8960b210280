package dev.keel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.run.Progress;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitReader;
import dev.keel.testing.ChildJvm;
import dev.keel.testing.DigitsLake;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/**
 * The shipped digits spec trained on the real digits: accuracy, determinism, resuming from a
 * checkpoint, a killed training job resumed by its requeued Slurm job, the registered model, and
 * two workers averaging parameters over Spark executors.
 */
@ExtendWith(SharedSpark.class)
class TrainerTest {
    @Test
    void aTrainingJobKilledMidRunAndRequeuedByItsSlurmJobContinuesFromItsLastCheckpoint(SparkSession spark, @TempDir Path dir) throws Exception {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        DigitsLake.ingestAndSplit(runs, spark, dir);
        Path spec = dir.resolve("slow.yaml");
        Files.writeString(spec, Files.readString(Path.of("..", "conf", "models", "digits-mlp.yaml"))
                .replace("epochs: 30", "epochs: 12").replace("early_stopping: { metric: loss, patience: 5 }", ""));
        Process child = ChildJvm.start(TrainInChildJvm.class, dir.resolve("child.log"), List.of("-Xmx2g"),
                dir.resolve("lake").toString(), spec.toString(), "4242");
        Path checkpoints = dir.resolve("lake").resolve("checkpoints");
        Path third = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (third == null && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            if (Files.isDirectory(checkpoints)) {
                try (Stream<Path> runDirs = Files.list(checkpoints)) {
                    third = runDirs.map(d -> d.resolve("epoch-0003.json")).filter(Files::exists).findFirst().orElse(null);
                }
            }
        }
        assertTrue(third != null, "the child reached epoch 3: " + Files.readString(dir.resolve("child.log")));
        child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        String killedRun = third.getParent().getFileName().toString();
        Checkpoints left = new Checkpoints(spark.sparkContext().hadoopConfiguration(), third.getParent().toString());
        int reached = left.latest().orElseThrow().epoch();
        assertTrue(reached >= 3 && reached < 12, "killed mid-run, after epoch " + reached);

        ModelSpec parsed = ModelSpecParser.parse(spec);
        TestRuns otherJob = TestRuns.inSlurmJob(spark, dir.resolve("lake").toString(), "5151");
        TrainResult fresh = otherJob.run("train", run -> new TrainJob(run).train(TrainRequest.local(parsed, "digits", 0)));
        assertEquals(0, fresh.resumedFrom(), "another Slurm job does not pick up job 4242's checkpoints");

        TestRuns requeued = TestRuns.inSlurmJob(spark, dir.resolve("lake").toString(), "4242");
        TrainResult resumed = requeued.run("train", run -> new TrainJob(run).train(TrainRequest.local(parsed, "digits", 0)));
        assertEquals(reached, resumed.resumedFrom(), "the requeued job continues run " + killedRun + " without --resume");
        assertEquals(12, resumed.history().size(), "the resumed run finishes the remaining epochs");
        assertEquals(List.of(1, 2, 3), resumed.history().subList(0, 3).stream().map(EpochRecord::epoch).toList());
        assertTrue(resumed.test().get("accuracy") >= 0.95, resumed.test().values()::toString);
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork model = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                dir.resolve("lake").resolve("models/digits-mlp/2/model.zip").toFile());
        assertEquals(10, model.output(org.nd4j.linalg.factory.Nd4j.zeros(1, 64)).length());
        assertEquals(fresh.model().modelSha256(), resumed.model().modelSha256(),
                "a killed and requeued run ends with the weights of one that ran through");
    }

    @Test
    void theDigitsMlpLearnsDeterministicallyAndResumesWhereItStopped(SparkSession spark, @TempDir Path dir) throws IOException {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        SplitManifest split = DigitsLake.ingestAndSplit(runs, spark, dir);
        ModelSpec spec = ModelSpecParser.parse(Path.of("..", "conf", "models", "digits-mlp.yaml"));
        SplitReader reader = new SplitReader(runs.env().store(), runs.env().layout());
        StringWriter log = new StringWriter();
        Progress progress = new Progress(new PrintWriter(log), true);

        try (TrainingData train = new TrainingData(reader, split.ref("train"), spec);
                TrainingData val = new TrainingData(reader, split.ref("val"), spec);
                TrainingData test = new TrainingData(reader, split.ref("test"), spec)) {
            Checkpoints first = new Checkpoints(spark.sparkContext().hadoopConfiguration(), dir.resolve("ckpt-a").toString());
            Trainer.Outcome a = new Trainer(first, progress, new LocalFitter(train, spec.training().batchSize(), Optional.empty())).train(spec, train, val, Optional.empty());
            ModelMetrics metrics = ModelEvaluator.evaluate(a.network(), test.batches(256), a.normaliser(), spec);
            assertEquals(split.statistics().rows().get("test"), metrics.examples());
            assertTrue(metrics.get("accuracy") >= 0.95, "test accuracy " + metrics.values() + "\n" + log);
            assertTrue(metrics.get("macro_f1") >= 0.9, metrics.values()::toString);
            assertEquals(10, metrics.perClass().size());
            long diagonal = 0;
            for (int k = 0; k < 10; k++) {
                diagonal += metrics.confusion()[k][k];
            }
            assertEquals(Math.round(metrics.get("accuracy") * metrics.examples()), diagonal);
            int epochs = a.history().size();
            assertTrue(epochs >= 6 && epochs <= spec.training().epochs(), "epochs trained: " + epochs);
            assertTrue(a.history().get(epochs - 1).loss() < a.history().get(0).loss(), "the loss falls");
            try (Stream<Path> files = Files.list(dir.resolve("ckpt-a"))) {
                assertEquals(2L * epochs, files.filter(f -> f.getFileName().toString().startsWith("epoch-")).count(),
                        "a zip and a json per epoch");
            }

            Checkpoints second = new Checkpoints(spark.sparkContext().hadoopConfiguration(), dir.resolve("ckpt-b").toString());
            Trainer.Outcome b = new Trainer(second, progress, new LocalFitter(train, spec.training().batchSize(), Optional.empty())).train(spec, train, val, Optional.empty());
            assertEquals(a.network().params(), b.network().params(), "one CPU worker and one seed give the same weights");

            for (int epoch = 4; epoch <= epochs; epoch++) {
                Files.delete(dir.resolve("ckpt-b").resolve(String.format("epoch-%04d.json", epoch)));
            }
            Checkpoints.Checkpoint resumeFrom = second.latest().orElseThrow();
            assertEquals(3, resumeFrom.epoch(), "an epoch without its json does not count");
            Trainer.Outcome resumed = new Trainer(second, progress, new LocalFitter(train, spec.training().batchSize(), Optional.empty())).train(spec, train, val, Optional.of(resumeFrom));
            assertEquals(3, resumed.resumedFrom());
            assertEquals(a.history().size(), resumed.history().size());
            assertEquals(a.bestEpoch(), resumed.bestEpoch());
            assertEquals(a.network().params(), resumed.network().params(), "resuming gives the weights of an uninterrupted run");

            ModelSpec everyTen = ModelSpecParser.parse("every-ten.yaml", Files.readString(Path.of("..", "conf", "models",
                    "digits-mlp.yaml")).replace("  l2: 0.0001", "  l2: 0.0001\n  checkpoint_every_iterations: 10"));
            assertEquals(Optional.of(10), everyTen.training().checkpointEveryIterations());
            Checkpoints third = new Checkpoints(spark.sparkContext().hadoopConfiguration(), dir.resolve("ckpt-c").toString());
            LocalFitter local = new LocalFitter(train, everyTen.training().batchSize(), Optional.of(10));
            int[] written = new int[1];
            EpochFitter killedInEpochThree = (net, normaliser, seed, from, checkpoint) -> local.fit(net, normaliser, seed, from, p -> {
                checkpoint.accept(p);
                if (++written[0] == 10) {
                    throw new IllegalStateException("killed after the 10th checkpoint inside an epoch");
                }
            });
            IllegalStateException killed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> new Trainer(third, progress, killedInEpochThree).train(everyTen, train, val, Optional.empty()));
            assertEquals("killed after the 10th checkpoint inside an epoch", killed.getMessage());
            Checkpoints.Checkpoint inside = third.latest().orElseThrow();
            assertEquals(3, inside.epoch(), "4 checkpoints per epoch of 43 minibatches: the 10th is in epoch 3");
            assertEquals(Optional.of(20), inside.partial().map(Checkpoints.Partial::iteration));
            assertEquals(2, inside.completedEpochs());
            try (Stream<Path> files = Files.list(dir.resolve("ckpt-c"))) {
                assertEquals(List.of("epoch-0003-iter-00000010", "epoch-0003-iter-00000020"), files.map(f -> f.getFileName().toString())
                        .filter(f -> f.contains("-iter-") && f.endsWith(".json")).map(f -> f.replace(".json", "")).sorted().toList(),
                        "an epoch's inner checkpoints are removed once it completes");
            }
            Trainer.Outcome fromInside = new Trainer(third, progress, local).train(everyTen, train, val, Optional.of(inside));
            assertEquals(2, fromInside.resumedFrom());
            assertEquals(a.history().size(), fromInside.history().size());
            assertEquals(a.history().get(2).loss(), fromInside.history().get(2).loss(), 1e-12, "epoch 3's loss counts its first 20 minibatches");
            assertEquals(a.network().params(), fromInside.network().params(),
                    "resuming inside an epoch gives the weights of an uninterrupted run");
        }

        ModelSpec quick = ModelSpecParser.parse("quick.yaml", Files.readString(Path.of("..", "conf", "models", "digits-mlp.yaml"))
                .replace("epochs: 30", "epochs: 3"));
        TrainRequest request = TrainRequest.local(quick, "digits", split.table().version());
        TrainResult first = runs.run("train", run -> new TrainJob(run).train(request));
        TrainResult second = runs.run("train", run -> new TrainJob(run).train(request));
        assertEquals(1, first.model().version());
        assertEquals(2, second.model().version());
        assertEquals(first.model().modelSha256(), second.model().modelSha256(), "same spec, same split, same bytes");
        Path artifact = dir.resolve("lake").resolve("models/digits-mlp/1");
        assertEquals(first.model().modelSha256(), dev.keel.build.Digests.sha256Hex(Files.readAllBytes(artifact.resolve("model.zip"))));
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork restored = org.deeplearning4j.util.ModelSerializer
                .restoreMultiLayerNetwork(artifact.resolve("model.zip").toFile());
        assertEquals(64, restored.layerInputSize(0));
        String manifest = Files.readString(artifact.resolve("manifest.json"));
        assertTrue(manifest.contains("\"model.zip\" : \"" + first.model().modelSha256() + "\""), manifest);
        assertEquals(split.ref("test"), first.model().test());
        org.apache.spark.sql.Row row = spark.read().format("delta").load(dir.resolve("lake").resolve("_keel/models").toString())
                .filter("name = 'digits-mlp' AND version = 1").first();
        assertEquals(split.table().version(), row.getLong(row.fieldIndex("test_version")));
        assertEquals(first.test().get("accuracy"), row.<String, Double>getJavaMap(row.fieldIndex("metrics")).get("accuracy"), 1e-12);
        assertTrue(runs.env().audit().log().tail(5).stream().anyMatch(e -> e.action().equals("model.trained")
                && e.subject().equals("digits-mlp@2")), "training is audited");
    }

    @Test
    void twoWorkersAveragingParametersOverSparkExecutorsLearnTheDigits(SparkSession spark, @TempDir Path dir) throws IOException {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        SplitManifest split = DigitsLake.ingestAndSplit(runs, spark, dir);
        ModelSpec spec = ModelSpecParser.parse(Path.of("..", "conf", "models", "digits-mlp.yaml"));
        TrainResult result = runs.run("train", run -> new TrainJob(run).train(
                new TrainRequest(spec, "digits", split.table().version(), 2, 5, Optional.empty())));

        assertTrue(result.test().get("accuracy") >= 0.95, "2-worker test accuracy " + result.test().values());
        assertEquals(split.statistics().rows().get("test"), result.test().examples());
        assertEquals(2, result.model().workers());
        assertEquals("5", result.model().hyperParameters().get("averaging_frequency"));
        int epochs = result.history().size();
        assertTrue(result.history().get(epochs - 1).loss() < result.history().get(0).loss(), "the loss falls");
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork restored = org.deeplearning4j.util.ModelSerializer
                .restoreMultiLayerNetwork(dir.resolve("lake").resolve("models/digits-mlp/1/model.zip").toFile());
        assertEquals(epochs, restored.getEpochCount(), "one epoch counted per pass, so schedules step as with one worker");
        try (Stream<Path> left = Files.list(dir.resolve("lake").resolve("checkpoints").resolve(result.model().runId()))) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("minibatches")).toList(),
                    "the exported minibatches are deleted after training");
        }
    }
}
