package dev.keel.train;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;

import dev.keel.config.KeelConfig;
import dev.keel.lake.SparkSessions;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/** Trains the digits spec on split version 0 of a lake in a JVM of its own, so that a test can kill it mid-run. */
public final class TrainInChildJvm {
    private TrainInChildJvm() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new HashMap<>(SharedSpark.SETTINGS);
        settings.put("spark.master", "local[1]");
        SparkSession spark = SparkSessions.create(KeelConfig.of(settings), "train-child");
        TestRuns runs = new TestRuns(spark, args[0]);
        ModelSpec spec = ModelSpecParser.parse(Path.of(args[1]));
        runs.run("train", run -> new TrainJob(run).train(new TrainRequest(spec, "digits", 0, 1, Optional.empty())));
        spark.stop();
    }
}
