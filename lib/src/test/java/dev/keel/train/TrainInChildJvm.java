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

/**
 * Trains the digits spec on split version 0 of a lake in a JVM of its own, as if inside a Slurm
 * job, so that a test can kill it mid-run. Arguments: lake root, spec file, Slurm job id.
 */
public final class TrainInChildJvm {
    private TrainInChildJvm() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new HashMap<>(SharedSpark.SETTINGS);
        settings.put("spark.master", "local[1]");
        SparkSession spark = SparkSessions.create(KeelConfig.of(settings), "train-child");
        TestRuns runs = TestRuns.inSlurmJob(spark, args[0], args[2]);
        ModelSpec spec = ModelSpecParser.parse(Path.of(args[1]));
        runs.run("train", run -> new TrainJob(run).train(TrainRequest.local(spec, "digits", 0)));
        spark.stop();
    }
}
