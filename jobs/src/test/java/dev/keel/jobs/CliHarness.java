package dev.keel.jobs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.spark.sql.SparkSession;

import dev.keel.build.BuildInfo;
import dev.keel.config.ConfigLoader;

/** Runs keel commands in-process, as {@code scripts/keel} would, against the shared test session. */
final class CliHarness {
    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final SparkSession spark;
    private final Path home;
    private final Map<String, String> environment = new HashMap<>();

    CliHarness(SparkSession spark, Path home) {
        this.spark = spark;
        this.home = home;
        environment.put("KEEL_ACTOR", "tester");
    }

    CliHarness env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true),
                new ConfigLoader(Optional.of(home), environment, new Properties()),
                config -> appName -> spark, environment,
                new BuildInfo("0.1.0", "0123456789abcdef0123456789abcdef01234567", false, "unpackaged"));
        int exit = KeelMain.run(cli, args);
        return new Result(exit, out.toString(), err.toString());
    }
}
