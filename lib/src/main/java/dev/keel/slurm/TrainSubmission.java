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
    private final RunContext run;
    private final SlurmClient slurm;

    public TrainSubmission(RunContext run, SlurmClient slurm) {
        this.run = requireNonNull(run, "run");
        this.slurm = requireNonNull(slurm, "slurm");
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
    public long submit(Path keelHome, Request r) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("KEEL_HOME", keelHome.toString());
        parameters.put("KEEL_SPEC", Path.of(r.spec().file()).toAbsolutePath().toString());
        parameters.put("KEEL_SPLIT", r.split());
        parameters.put("KEEL_WORKERS", Integer.toString(r.nodes() * r.tasksPerNode()));
        parameters.put("KEEL_GPUS_PER_NODE", Integer.toString(r.gpusPerNode()));
        r.averagingFrequency().ifPresent(f -> parameters.put("KEEL_AVERAGING_FREQUENCY", Integer.toString(f)));
        String script = SbatchTemplate.read(keelHome.resolve("slurm/train.sbatch")).render(parameters);
        JobRequest job = new JobRequest(script, "keel-train-" + r.spec().name(), r.partition(), Optional.empty(), Optional.empty(),
                r.nodes(), r.tasksPerNode(), 1, r.gpusPerNode(), Optional.empty(), r.timeLimit().map(t -> (int) Math.max(1, t.toMinutes())),
                Optional.empty(), Optional.empty(), true, r.environment(), keelHome.toString(),
                keelHome.resolve("logs").resolve("keel-train-%j.out").toString(), Optional.empty());
        Path logs = keelHome.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UsageException("Cannot create " + logs + " for the job's output (" + e.getMessage() + "): check KEEL_HOME's "
                    + "permissions");
        }
        long id = slurm.submit(job);
        run.submitted(Long.toString(id));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("slurm_job_id", id);
        details.put("template", "slurm/train.sbatch");
        details.put("spec", r.spec().file());
        details.put("spec_sha256", r.spec().sha256());
        details.put("split", r.split());
        details.put("nodes", r.nodes());
        details.put("tasks_per_node", r.tasksPerNode());
        details.put("gpus_per_node", r.gpusPerNode());
        details.put("api", slurm.version());
        run.audit("slurm.submitted", r.spec().name(), details);
        return id;
    }

    /** Waits for {@code id} to end, records its compute in {@code _keel/compute_usage}, and returns how it ended. */
    public JobStatus awaitAndMeter(long id, String subject, Duration timeout) {
        JobStatus ended = slurm.await(id, timeout, s -> run.env().progress().info("Slurm job " + id + " " + s.state()
                + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")")));
        ComputeUsage usage = ComputeUsage.of(ended, run.id().value(), "train", subject);
        String path = run.env().layout().keel(KeelTable.COMPUTE_USAGE);
        usage.append(run.env().store(), path);
        run.addOutput(run.env().store().latest(path).orElseThrow());
        run.audit("compute.recorded", "slurm job " + id, Map.of("state", usage.state(), "elapsed_seconds", usage.elapsed().toSeconds(),
                "cpu_hours", usage.cpuHours(), "gpu_hours", usage.gpuHours(), "nodes", usage.nodes(), "gpus", usage.gpus()));
        return ended;
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
