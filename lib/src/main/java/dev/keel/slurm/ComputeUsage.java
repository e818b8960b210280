package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;

/**
 * One ended Slurm job's compute, as {@code _keel/compute_usage} keeps it: the allocation Slurm
 * reported (its TRES), how long it held it, and the GPU-hours (CPU-hours where it had no GPUs).
 *
 * @param slurmJobId the job
 * @param runId the keel run that submitted it
 * @param kind what the job did (train, sweep, ingest)
 * @param subject what it worked on (a model spec's name, a dataset)
 * @param user who it ran as
 * @param partition where
 * @param state how it ended
 * @param exitCode its exit status
 * @param nodes nodes allocated
 * @param cpus CPUs allocated
 * @param gpus GPUs allocated
 * @param started when it started
 * @param ended when it ended
 * @param tres the allocation as Slurm wrote it
 * @param utilisation how busy the job kept its CPUs and GPUs, sampled on its nodes
 */
public record ComputeUsage(long slurmJobId, String runId, String kind, String subject, String user, String partition, String state,
        int exitCode, int nodes, int cpus, int gpus, Instant started, Instant ended, String tres, Utilisation utilisation) {
    public static final StructType SCHEMA = new StructType()
            .add("slurm_job_id", DataTypes.LongType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("subject", DataTypes.StringType, false)
            .add("user", DataTypes.StringType, false)
            .add("partition", DataTypes.StringType, false)
            .add("state", DataTypes.StringType, false)
            .add("exit_code", DataTypes.IntegerType, false)
            .add("nodes", DataTypes.IntegerType, false)
            .add("cpus", DataTypes.IntegerType, false)
            .add("gpus", DataTypes.IntegerType, false)
            .add("elapsed_seconds", DataTypes.LongType, false)
            .add("cpu_hours", DataTypes.DoubleType, false)
            .add("gpu_hours", DataTypes.DoubleType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("ended_at", DataTypes.TimestampType, false)
            .add("tres", new MapType(DataTypes.StringType, DataTypes.StringType, false), false)
            .add("cpu_utilisation", DataTypes.DoubleType, true)
            .add("gpu_utilisation", DataTypes.DoubleType, true)
            .add("peak_memory_mb", DataTypes.LongType, true)
            .add("utilisation_samples", DataTypes.IntegerType, false)
            .add("utilisation_source", DataTypes.StringType, false);

    public ComputeUsage {
        requireNonNull(runId, "runId");
        requireNonNull(kind, "kind");
        requireNonNull(subject, "subject");
        requireNonNull(user, "user");
        requireNonNull(partition, "partition");
        requireNonNull(state, "state");
        requireNonNull(started, "started");
        requireNonNull(ended, "ended");
        requireNonNull(tres, "tres");
        requireNonNull(utilisation, "utilisation");
    }

    /** The usage of {@code job}, which must have ended. */
    public static ComputeUsage of(JobStatus job, String runId, String kind, String subject, Utilisation utilisation) {
        if (!job.state().terminal()) {
            throw new IllegalArgumentException("Cannot meter job " + job.jobId() + ": it is still " + job.state());
        }
        Map<String, String> t = parse(job.tres());
        Instant started = job.started().orElse(job.ended().orElseThrow());
        return new ComputeUsage(job.jobId(), runId, kind, subject, job.user(), job.partition(), job.state().name(),
                job.exit().map(ExitStatus::code).orElse(0), count(t, "node"), count(t, "cpu"),
                count(t, "gres/gpu"), started, job.ended().orElse(started), job.tres(), utilisation);
    }

    public Duration elapsed() {
        return Duration.between(started, ended);
    }

    /** GPU-hours: GPUs times hours held. */
    public double gpuHours() {
        return gpus * elapsed().toMillis() / 3_600_000.0;
    }

    public double cpuHours() {
        return cpus * elapsed().toMillis() / 3_600_000.0;
    }

    public TableVersion append(DeltaStore store, String path) {
        store.ensureTable(path, SCHEMA, List.of(), Map.of());
        Row row = RowFactory.create(slurmJobId, runId, kind, subject, user, partition, state, exitCode, nodes, cpus, gpus,
                elapsed().toSeconds(), cpuHours(), gpuHours(), Timestamp.from(started), Timestamp.from(ended), new HashMap<>(parse(tres)),
                utilisation.cpu().orElse(null), utilisation.gpu().orElse(null), utilisation.peakMemoryMb().orElse(null), utilisation.samples(),
                utilisation.source());
        return store.append(path, store.spark().createDataFrame(List.of(row), SCHEMA), WriteOptions.forRun(runId)).version();
    }

    /** {@code cpu=2,mem=1G,node=1,gres/gpu=2} as a map. */
    static Map<String, String> parse(String tres) {
        Map<String, String> out = new HashMap<>();
        for (String part : tres.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static int count(Map<String, String> tres, String key) {
        return Optional.ofNullable(tres.get(key)).filter(v -> v.matches("\\d+")).map(Integer::parseInt).orElse(0);
    }
}
