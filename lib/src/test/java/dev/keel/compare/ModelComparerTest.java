package dev.keel.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.registry.ModelRef;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitRef;
import dev.keel.testing.DigitsLake;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;

/** Two digits models trained on one split, compared on its test split; the refusals; the verdict rule on made-up predictions. */
@ExtendWith(SharedSpark.class)
class ModelComparerTest {
    @Test
    void aLongerTrainedModelIsComparedWithAShortOneOnTheSameTestSplit(SparkSession spark, @TempDir Path dir) throws Exception {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        SplitManifest split = DigitsLake.ingestAndSplit(runs, spark, dir);
        String text = Files.readString(Path.of("..", "conf", "models", "digits-mlp.yaml"));
        ModelSpec oneEpoch = ModelSpecParser.parse("one.yaml", text.replace("epochs: 30", "epochs: 1").replace("learning_rate: 0.003",
                "learning_rate: 0.0002"));
        ModelSpec fourEpochs = ModelSpecParser.parse("four.yaml", text.replace("epochs: 30", "epochs: 4"));
        runs.run("train", run -> new TrainJob(run).train(TrainRequest.local(oneEpoch, "digits", 0)));
        runs.run("train", run -> new TrainJob(run).train(TrainRequest.local(fourEpochs, "digits", 0)));

        Comparison c = runs.run("compare", run -> new ModelComparer(run).compare("digits-mlp@2", "digits-mlp@1", 0.05, 500));
        long n = split.statistics().rows().get("test");
        assertEquals(n, c.examples());
        assertEquals(split.ref("test"), c.test());
        assertEquals((double) (c.onlyCandidateRight() - c.onlyBaselineRight()) / n, c.deltas().get("accuracy"), 1e-12,
                "the accuracy delta is the discordant pairs' difference over the examples");
        assertTrue(c.candidateMetrics().get("accuracy") >= 0.9, c.candidateMetrics()::toString);
        assertTrue(c.intervals().get("accuracy").contains(c.deltas().get("accuracy")), c.intervals()::toString);
        assertEquals(PairedStatistics.mcNemarExact(c.onlyBaselineRight(), c.onlyCandidateRight()), c.mcNemarP(), 0);
        assertEquals(c.mcNemarP() < 0.05 ? Comparison.Verdict.BETTER : Comparison.Verdict.NO_SIGNIFICANT_DIFFERENCE, c.verdict(),
                "four epochs beat one at a tenth of the learning rate: " + c);

        Row stored = spark.read().format("delta").load(dir.resolve("lake/_keel/evaluations").toString()).first();
        assertEquals("comparison", stored.getString(stored.fieldIndex("kind")));
        assertEquals(2L, stored.getLong(stored.fieldIndex("model_version")));
        assertEquals(1L, stored.getLong(stored.fieldIndex("baseline_version")));
        assertEquals(0L, stored.getLong(stored.fieldIndex("data_version")));
        assertEquals(c.verdict().text(), stored.getString(stored.fieldIndex("verdict")));
        assertEquals(c.mcNemarP(), stored.<String, Double>getJavaMap(stored.fieldIndex("statistics")).get("mcnemar_p"), 0);
        assertTrue(runs.env().audit().log().tail(3).stream().anyMatch(e -> e.action().equals("model.compared")
                && e.subject().equals("digits-mlp@2")), "the comparison is audited");

        UsageException self = assertThrows(UsageException.class,
                () -> runs.run("compare", run -> new ModelComparer(run).compare("digits-mlp", "digits-mlp@2", 0.05, 500)));
        assertEquals("Cannot compare digits-mlp@2 with itself: name a different baseline", self.getMessage());
        assertThrows(UsageException.class,
                () -> runs.run("compare", run -> new ModelComparer(run).compare("digits-mlp@2", "digits-mlp@1", 0.7, 500)));

        Files.write(dir.resolve("lake/models/digits-mlp/1/model.zip"), new byte[] {1}, StandardOpenOption.APPEND);
        IntegrityException corrupted = assertThrows(IntegrityException.class,
                () -> runs.run("compare", run -> new ModelComparer(run).compare("digits-mlp@2", "digits-mlp@1", 0.05, 500)));
        assertTrue(corrupted.getMessage().startsWith("Model digits-mlp@1's files in ") && corrupted.getMessage().contains(
                "fail their file-system checksum"), corrupted.getMessage());
        Files.delete(dir.resolve("lake/models/digits-mlp/1/.model.zip.crc"));
        IntegrityException tampered = assertThrows(IntegrityException.class,
                () -> runs.run("compare", run -> new ModelComparer(run).compare("digits-mlp@2", "digits-mlp@1", 0.05, 500)));
        assertTrue(tampered.getMessage().startsWith("Model digits-mlp@1's model.zip in "), tampered.getMessage());
        assertTrue(tampered.getMessage().endsWith("the artifact was changed after registration; restore it or retrain"),
                tampered.getMessage());
    }

    @Test
    void theVerdictFollowsMcNemarAtAlpha() {
        SplitRef test = new SplitRef("/lake/splits/x", 3, "test");
        int n = 400;
        int[] actual = new int[n];
        int[] weak = new int[n];
        int[] strong = new int[n];
        for (int i = 0; i < n; i++) {
            actual[i] = i % 4;
            weak[i] = i % 5 == 0 ? (actual[i] + 1) % 4 : actual[i];
            strong[i] = i % 50 == 0 ? (actual[i] + 1) % 4 : actual[i];
        }
        ModelRef a = new ModelRef("m", 2);
        ModelRef b = new ModelRef("m", 1);
        Comparison better = ModelComparer.compare(a, b, test, new PairedPredictions(actual, weak, strong, 4), 0.05, 200);
        assertEquals(Comparison.Verdict.BETTER, better.verdict());
        assertEquals(72, better.onlyCandidateRight());
        assertEquals(0, better.onlyBaselineRight());
        assertTrue(better.intervals().get("accuracy").low() > 0, better.intervals()::toString);
        Comparison worse = ModelComparer.compare(a, b, test, new PairedPredictions(actual, strong, weak, 4), 0.05, 200);
        assertEquals(Comparison.Verdict.WORSE, worse.verdict());
        assertEquals(-0.18, worse.deltas().get("accuracy"), 1e-12);
        Comparison same = ModelComparer.compare(a, b, test, new PairedPredictions(actual, weak, weak.clone(), 4), 0.05, 200);
        assertEquals(Comparison.Verdict.NO_SIGNIFICANT_DIFFERENCE, same.verdict());
        assertEquals(1.0, same.mcNemarP(), 0);
        assertEquals("no significant difference", same.verdict().text());
        assertEquals(Optional.of(0.0), Optional.of(same.deltas().get("macro_f1")));
    }
}
