package dev.keel.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.spark.sql.SparkSession;

import dev.keel.access.Access;
import dev.keel.build.BuildInfo;
import dev.keel.config.KeelConfig;
import dev.keel.lake.LakeLayout;
import dev.keel.run.Actor;
import dev.keel.run.Progress;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;

/** Runs library code inside a recorded run against a lakehouse of the test's own. */
public final class TestRuns {
    private final RunEnvironment env;

    public TestRuns(SparkSession spark, String lakeRoot) {
        this(spark, lakeRoot, Map.of());
    }

    /** With extra configuration keys ({@code lake.root} is set from {@code lakeRoot}). */
    public TestRuns(SparkSession spark, String lakeRoot, Map<String, String> settings) {
        this(spark, lakeRoot, settings, Optional.empty());
    }

    private TestRuns(SparkSession spark, String lakeRoot, Map<String, String> settings, Optional<String> slurmJobId) {
        Map<String, String> values = new java.util.HashMap<>(settings);
        values.put("lake.root", lakeRoot);
        KeelConfig config = KeelConfig.of(values);
        this.env = new RunEnvironment(spark, config, new LakeLayout(lakeRoot),
                new BuildInfo("0.1.0", "0123456789abcdef", false, "unpackaged"), new Actor("tester", "KEEL_ACTOR"), "test-host",
                slurmJobId, new Progress(new PrintWriter(new StringWriter()), false), Clock.systemUTC());
    }

    /** Runs against the same lakehouse as if inside Slurm job {@code jobId}. */
    public static TestRuns inSlurmJob(SparkSession spark, String lakeRoot, String jobId) {
        return new TestRuns(spark, lakeRoot, Map.of(), Optional.of(jobId));
    }

    public TestRuns(SparkSession spark, Path lake) {
        this(spark, lake.toString());
    }

    public RunEnvironment env() {
        return env;
    }

    public <T> T run(String kind, Function<RunContext, T> work) {
        return RunContext.execute(env, RunId.generate(Instant.now(), new SecureRandom()), kind, List.of(kind), Access.to(kind), work);
    }
}
