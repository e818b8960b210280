package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.run.RunContext;
import dev.keel.train.ModelSpec;

/**
 * {@code keel train submit}: renders {@code slurm/train.sbatch} with the training's parameters,
 * submits it through slurmrestd as this run, and, when asked to wait, meters the ended job into
 * {@code _keel/compute_usage}.
 */
public final class TrainSubmission {
    /** Seconds before the time limit that a job is told to checkpoint and requeue itself. */
    static final int WARNING_SECONDS = 120;

    private final RunContext run;
    private final SlurmClient slurm;
    private final Path keelHome;

    /** @param keelHome the keel installation the jobs run from (shared with the nodes) */
    public TrainSubmission(RunContext run, SlurmClient slurm, Path keelHome) {
        this.run = requireNonNull(run, "run");
        this.slurm = requireNonNull(slurm, "slurm");
        this.keelHome = requireNonNull(keelHome, "keelHome");
    }

    /**
     * What to run.
     *
     * @param spec the model spec (validated before submission)
     * @param split NAME@VERSION
     * @param nodes nodes
     * @param tasksPerNode Spark executor cores per node (the training workers are nodes x tasks)
     * @param gpusPerNode GPUs per node, one executor each
     * @param timeLimit the job's time limit
     * @param partition the partition, else the default
     * @param averagingFrequency minibatches between averagings, else keel's default
     * @param environment the job's environment (keel's non-secret settings among it)
     */
    public record Request(ModelSpec spec, String split, int nodes, int tasksPerNode, int gpusPerNode, Optional<Duration> timeLimit,
            Optional<String> partition, Optional<Integer> averagingFrequency, Map<String, String> environment) {
        public Request {
            requireNonNull(spec, "spec");
            requireNonNull(split, "split");
            requireNonNull(timeLimit, "timeLimit");
            requireNonNull(partition, "partition");
            requireNonNull(averagingFrequency, "averagingFrequency");
            environment = Map.copyOf(environment);
        }
    }

    /** Submits; returns the job id. */
    public long submit(Request r) {
        Map<String, String> parameters = parameters(r);
        String script = SbatchTemplate.read(keelHome.resolve("slurm/train.sbatch")).render(parameters);
        long id = slurm.submit(job(r, script, "keel-train", "keel-train-" + r.spec().name(), r.nodes(), r.tasksPerNode(), r.gpusPerNode(),
                Optional.empty(), Optional.empty()));
        run.submitted(Long.toString(id));
        Map<String, Object> details = details(id, "slurm/train.sbatch", r);
        run.audit("slurm.submitted", r.spec().name(), details);
        return id;
    }

    /**
     * Submits the candidates {@code from} to {@code to} (inclusive) of a sweep as one job array of
     * {@code slurm/sweep.sbatch}: each task trains and registers one candidate, tagged
     * {@code sweep:<sweepId>}. Returns the array's job id.
     */
    public long submitCandidates(Request r, Sweep sweep, int from, int to) {
        Map<String, String> parameters = sweepParameters(r, sweep);
        String script = SbatchTemplate.read(keelHome.resolve("slurm/sweep.sbatch")).render(parameters);
        String array = from + "-" + to + sweep.maxParallel().map(p -> "%" + p).orElse("");
        long id = slurm.submit(job(r, script, "keel-sweep", "keel-sweep-" + r.spec().name(), r.nodes(), r.tasksPerNode(), r.gpusPerNode(),
                Optional.of(array), Optional.empty()));
        if (from == 0) {
            run.submitted(Long.toString(id));
        }
        Map<String, Object> details = details(id, "slurm/sweep.sbatch", r);
        details.put("sweep", sweep.id());
        details.put("grid", sweep.grid().toString());
        details.put("array", array);
        run.audit("slurm.submitted", r.spec().name(), details);
        return id;
    }

    /** Submits the sweep's final job, which compares its candidates once {@code after} (job arrays) have ended. */
    public long submitComparison(Request r, Sweep sweep, List<Long> after) {
        Map<String, String> parameters = sweepParameters(r, sweep);
        String script = SbatchTemplate.read(keelHome.resolve("slurm/sweep.sbatch")).render(parameters);
        Optional<String> dependency = after.isEmpty() ? Optional.empty()
                : Optional.of("afterany:" + String.join(":", after.stream().map(String::valueOf).toList()));
        long id = slurm.submit(job(r, script, "keel-sweep-compare", "keel-sweep-compare-" + r.spec().name(), 1, 1, 0, Optional.empty(), dependency));
        Map<String, Object> details = details(id, "slurm/sweep.sbatch", r);
        details.put("sweep", sweep.id());
        details.put("compares", "sweep:" + sweep.id());
        dependency.ifPresent(d -> details.put("dependency", d));
        run.audit("slurm.submitted", r.spec().name(), details);
        return id;
    }

    /**
     * A sweep to submit.
     *
     * @param id its id, the tag {@code sweep:<id>} its candidates carry
     * @param grid the grid file (frozen copy the tasks read)
     * @param spec the base spec file (frozen copy the tasks read)
     * @param candidates how many candidates the grid makes
     * @param maxParallel at most this many candidates at once
     */
    public record Sweep(String id, Path grid, Path spec, int candidates, Optional<Integer> maxParallel) {
        public Sweep {
            requireNonNull(id, "id");
            requireNonNull(grid, "grid");
            requireNonNull(spec, "spec");
            requireNonNull(maxParallel, "maxParallel");
        }
    }

    private Map<String, String> parameters(Request r) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("KEEL_HOME", keelHome.toString());
        parameters.put("KEEL_SPEC", Path.of(r.spec().file()).toAbsolutePath().toString());
        parameters.put("KEEL_SPLIT", r.split());
        parameters.put("KEEL_WORKERS", Integer.toString(r.nodes() * r.tasksPerNode()));
        parameters.put("KEEL_GPUS_PER_NODE", Integer.toString(r.gpusPerNode()));
        r.averagingFrequency().ifPresent(f -> parameters.put("KEEL_AVERAGING_FREQUENCY", Integer.toString(f)));
        return parameters;
    }

    private Map<String, String> sweepParameters(Request r, Sweep sweep) {
        Map<String, String> parameters = parameters(r);
        parameters.put("KEEL_SPEC", sweep.spec().toAbsolutePath().toString());
        parameters.put("KEEL_SWEEP_GRID", sweep.grid().toAbsolutePath().toString());
        parameters.put("KEEL_SWEEP_ID", sweep.id());
        return parameters;
    }

    private JobRequest job(Request r, String script, String output, String name, int nodes, int tasksPerNode, int gpusPerNode,
            Optional<String> array, Optional<String> dependency) {
        Path logs = keelHome.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UsageException("Cannot create " + logs + " for the job's output (" + e.getMessage() + "): check KEEL_HOME's "
                    + "permissions");
        }
        String file = logs.resolve(output + (array.isPresent() ? "-%A_%a.out" : "-%j.out")).toString();
        return new JobRequest(script, name, r.partition(), Optional.empty(), Optional.empty(), nodes, tasksPerNode, 1, gpusPerNode,
                Optional.empty(), r.timeLimit().map(t -> (int) Math.max(1, t.toMinutes())), array, dependency, true, r.environment(),
                keelHome.toString(), file, Optional.empty(), r.timeLimit().map(t -> WARNING_SECONDS));
    }

    private Map<String, Object> details(long id, String template, Request r) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("slurm_job_id", id);
        details.put("template", template);
        details.put("spec", r.spec().file());
        details.put("spec_sha256", r.spec().sha256());
        details.put("split", r.split());
        details.put("nodes", r.nodes());
        details.put("tasks_per_node", r.tasksPerNode());
        details.put("gpus_per_node", r.gpusPerNode());
        details.put("api", slurm.version());
        return details;
    }

    /**
     * Waits for {@code id} to end, records its compute in {@code _keel/compute_usage}, and returns how it ended.
     *
     * @param kind what the job did: train, sweep-compare
     */
    public JobStatus awaitAndMeter(long id, String kind, String subject, Duration timeout) {
        JobStatus ended = slurm.await(id, timeout, this::progress);
        meter(ended, kind, subject);
        return ended;
    }

    /** Waits for every task of the array {@code id}, records each one's compute, and returns them. */
    public List<ComputeUsage> awaitAndMeterTasks(long id, String subject, Duration timeout) {
        return slurm.awaitAll(id, timeout, this::progress).stream().map(t -> meter(t, "sweep", subject)).toList();
    }

    private void progress(JobStatus s) {
        run.env().progress().info("Slurm job " + s.arrayJobId().map(a -> a + "_" + s.arrayTaskId().map(String::valueOf).orElse("*"))
                .orElse(Long.toString(s.jobId())) + " " + s.state() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")"));
    }

    private ComputeUsage meter(JobStatus ended, String kind, String subject) {
        ComputeUsage usage = ComputeUsage.of(ended, run.id().value(), kind, subject,
                Utilisation.read(keelHome.resolve(".keel").resolve("slurm-job-" + ended.jobId())));
        String path = run.env().layout().keel(KeelTable.COMPUTE_USAGE);
        run.addOutput(usage.append(run.env().store(), path));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", usage.state());
        details.put("elapsed_seconds", usage.elapsed().toSeconds());
        details.put("cpu_hours", usage.cpuHours());
        details.put("gpu_hours", usage.gpuHours());
        details.put("nodes", usage.nodes());
        details.put("gpus", usage.gpus());
        usage.utilisation().cpu().ifPresent(c -> details.put("cpu_utilisation", c));
        usage.utilisation().gpu().ifPresent(g -> details.put("gpu_utilisation", g));
        run.audit("compute.recorded", "slurm job " + ended.jobId(), details);
        return usage;
    }

    /** The environment variables of {@code all} a submitted keel job should see: keel's own, secrets left out. */
    public static Map<String, String> jobEnvironment(Map<String, String> all) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "JAVA_HOME", "USER", "LOGNAME")) {
            if (all.containsKey(name)) {
                env.put(name, all.get(name));
            }
        }
        all.forEach((k, v) -> {
            if (k.startsWith("KEEL_") && !k.equals("KEEL_SLURM_JWT") && !k.endsWith("_KEY") && !k.endsWith("_SECRET")
                    && !k.equals("KEEL_SPARK_SUBMIT_OPTS")) {
                env.put(k, v);
            }
        });
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        return env;
    }
}
