package dev.keel.jobs;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.keel.access.Access;
import dev.keel.build.BuildInfo;
import dev.keel.config.ConfigKeys;
import dev.keel.config.ConfigLoader;
import dev.keel.config.KeelConfig;
import dev.keel.config.LakeConfig;
import dev.keel.lake.HadoopConf;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.SparkSessions;
import dev.keel.release.ReleasePolicy;
import dev.keel.release.ReleasePolicyParser;
import dev.keel.run.Actor;
import dev.keel.run.Progress;
import dev.keel.run.RunContext;
import dev.keel.run.RunEnvironment;
import dev.keel.run.RunId;

/**
 * What one CLI invocation works with: its output streams, the global options, the effective
 * configuration (loaded once, before any Spark work), and the SparkSession (created on first use).
 */
public final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private final PrintWriter err;
    private final ConfigLoader loader;
    private final Function<KeelConfig, Function<String, SparkSession>> sessions;
    private final Map<String, String> environment;
    private final BuildInfo build;

    private java.util.List<String> arguments = java.util.List.of();
    private Optional<Path> confFile = Optional.empty();
    private Map<String, String> sets = new LinkedHashMap<>();
    private boolean json;
    private boolean verbose;
    private KeelConfig config;
    private SparkSession spark;

    /**
     * @param sessions given the configuration and an application name, returns the SparkSession
     *     (tests pass one that hands out a shared session)
     */
    public Cli(PrintWriter out, PrintWriter err, ConfigLoader loader,
            Function<KeelConfig, Function<String, SparkSession>> sessions, Map<String, String> environment,
            BuildInfo build) {
        this.out = requireNonNull(out, "out");
        this.err = requireNonNull(err, "err");
        this.loader = requireNonNull(loader, "loader");
        this.sessions = requireNonNull(sessions, "sessions");
        this.environment = Map.copyOf(environment);
        this.build = requireNonNull(build, "build");
    }

    /** The production wiring: process environment, system properties, real SparkSessions. */
    public static Cli forProcess(PrintWriter out, PrintWriter err) {
        return new Cli(out, err, ConfigLoader.forProcess(),
                config -> appName -> SparkSessions.create(config, appName), System.getenv(), BuildInfo.of(KeelMain.class));
    }

    /**
     * This invocation acting as {@code actor}: the same configuration, output and Spark session,
     * with runs recorded as that actor (what the demo runs the nightly pipeline as, as cron would).
     */
    Cli actingAs(String actor) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("KEEL_ACTOR", actor);
        Cli other = new Cli(out, err, loader, sessions, env, build);
        other.globals(confFile, sets, json, verbose);
        other.arguments(arguments);
        other.config = config;
        other.spark = spark;
        return other;
    }

    void globals(Optional<Path> confFile, Map<String, String> sets, boolean json, boolean verbose) {
        this.confFile = confFile;
        this.sets = new LinkedHashMap<>(sets);
        this.json = json;
        this.verbose = verbose;
    }

    void arguments(java.util.List<String> arguments) {
        this.arguments = java.util.List.copyOf(arguments);
    }

    /** The command line as given, recorded with every run. */
    public java.util.List<String> arguments() {
        return arguments;
    }

    /** The environment variables this invocation sees. */
    public Map<String, String> variables() {
        return environment;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }

    public BuildInfo build() {
        return build;
    }

    /** The effective configuration; loading it validates every key. */
    public KeelConfig config() {
        if (config == null) {
            config = loader.load(confFile, sets);
        }
        return config;
    }

    public Progress progress() {
        return new Progress(err, true);
    }

    public Actor actor() {
        return Actor.resolve(environment, System.getProperty("user.name"));
    }

    public RunId newRunId() {
        return RunId.generate(Clock.systemUTC().instant(), new SecureRandom());
    }

    /** The session for {@code command}, created on first use with app name {@code keel-<command>-<run id>}. */
    public SparkSession spark(String command, RunId id) {
        if (spark == null) {
            KeelConfig c = config();
            progress().info("starting Spark (" + c.find("spark.master").orElse("?") + ")");
            spark = sessions.apply(c).apply("keel-" + command + "-" + id);
        }
        return spark;
    }

    public RunEnvironment environment(String command, RunId id) {
        KeelConfig c = config();
        return new RunEnvironment(spark(command, id), c, LakeLayout.of(LakeConfig.from(c)), build, actor(), host(),
                slurmJobId(), progress(), Clock.systemUTC());
    }

    /** The Slurm job this runs in: {@code ARRAY_TASK} for a task of a job array, as squeue shows it. */
    private Optional<String> slurmJobId() {
        String array = environment.get("SLURM_ARRAY_JOB_ID");
        String task = environment.get("SLURM_ARRAY_TASK_ID");
        if (array != null && task != null) {
            return Optional.of(array + "_" + task);
        }
        return Optional.ofNullable(environment.get("SLURM_JOB_ID"));
    }

    /**
     * Runs {@code work} as a recorded keel run of {@code kind} with a new run id, once the access
     * policy grants {@code access} ({@link RunContext#execute}).
     */
    public <T> T run(String kind, Access access, Function<RunContext, T> work) {
        RunId id = newRunId();
        return RunContext.execute(environment(kind, id), id, kind, arguments, access, work);
    }

    /** The release policy of the model {@code reference} names ({@code release.dir}/NAME.yaml), or none. */
    public ReleasePolicy releasePolicy(String reference) {
        int at = reference.indexOf('@');
        return ReleasePolicyParser.forModel(Path.of(config().get(ConfigKeys.RELEASE_DIR)), at < 0 ? reference : reference.substring(0, at));
    }

    /** Where tables live, from the configuration; no Spark needed. */
    public LakeLayout layout() {
        return LakeLayout.of(LakeConfig.from(config()));
    }

    /** Spark-free Delta reads, for commands that must answer quickly. */
    public KernelTables kernel() {
        return new KernelTables(hadoop());
    }

    /** The Hadoop configuration for the lake's file systems, without Spark. */
    public Configuration hadoop() {
        return HadoopConf.of(config());
    }

    /** Prints {@code value} as JSON on stdout. */
    public void printJson(Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render JSON output: " + e.getMessage(), e);
        }
    }

    /** Flushes the output streams. */
    void close() {
        out.flush();
        err.flush();
    }

    Optional<SparkSession> createdSession() {
        return Optional.ofNullable(spark);
    }

    private String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return environment.getOrDefault("HOSTNAME", "unknown");
        }
    }
}
