package dev.keel.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;

import dev.keel.access.Access;
import dev.keel.build.BuildInfo;
import dev.keel.config.KeelConfig;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.SparkSessions;
import dev.keel.run.Actor;
import dev.keel.run.Progress;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;

/** What every benchmark needs: an emptied work directory, a Spark session, timed work, and keel runs on a lake of its own. */
final class BenchRuns {
    private BenchRuns() {
    }

    /** {@code dir} as an empty directory. */
    static Path emptyDirectory(String dir) {
        Path work = Path.of(dir).toAbsolutePath();
        try {
            FileUtils.deleteDirectory(work.toFile());
            return Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot empty the benchmark directory " + work, e);
        }
    }

    /** Local Spark on every core, 8 shuffle partitions, no UI. */
    static SparkSession spark(String name) {
        return SparkSessions.create(KeelConfig.of(Map.of("spark.master", "local[*]", "spark.sql.shuffle.partitions", "8",
                "spark.ui.enabled", "false", "spark.driver.memory", "8g")), name);
    }

    static double seconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Runs {@code work} as a keel run of {@code kind} on the lake at {@code lake}, quietly. */
    static <T> T run(SparkSession spark, Path lake, String kind, Function<RunContext, T> work) {
        RunEnvironment env = new RunEnvironment(spark, KeelConfig.of(Map.of("lake.root", lake.toString())),
                new LakeLayout(lake.toString()), BuildInfo.of(BenchRuns.class), new Actor("bench", "benchmark"), "localhost",
                Optional.empty(), new Progress(new PrintWriter(new StringWriter()), false), Clock.systemUTC());
        return RunContext.execute(env, RunId.generate(Instant.now(), new SecureRandom()), kind, List.of("bench"), Access.to(kind), work);
    }
}
