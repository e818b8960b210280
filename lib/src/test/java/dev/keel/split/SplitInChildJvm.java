package dev.keel.split;

import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.SparkSession;

import dev.keel.config.KeelConfig;
import dev.keel.lake.SparkSessions;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/** Splits the visits dataset of a lake in a JVM of its own, with Spark local[1] and one shuffle partition. */
public final class SplitInChildJvm {
    private SplitInChildJvm() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new HashMap<>(SharedSpark.SETTINGS);
        settings.put("spark.master", "local[1]");
        settings.put("spark.sql.shuffle.partitions", "1");
        settings.put("spark.default.parallelism", "1");
        SparkSession spark = SparkSessions.create(KeelConfig.of(settings), "split-child");
        TestRuns runs = new TestRuns(spark, args[0]);
        SplitScenarios.write(runs, SplitScenarios.visits(spark, 0, 2000).coalesce(1), false);
        SplitScenarios.splitAll(runs).forEach(m -> System.out.println("split " + m.table() + " " + m.statistics().rowHashes()));
        spark.stop();
    }
}
