package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.keel.error.UsageException;

/**
 * A batch job to submit.
 *
 * @param script the batch script, starting with {@code #!}
 * @param name the job name
 * @param partition the partition, else the cluster's default
 * @param account the account to charge
 * @param qos the quality of service
 * @param nodes how many nodes
 * @param tasksPerNode tasks on each node
 * @param cpusPerTask CPUs for each task
 * @param gpusPerNode GPUs on each node (generic resource {@code gpu}), 0 for none
 * @param memoryPerNodeMb memory on each node in MiB, empty for the partition's default
 * @param timeLimitMinutes the time limit, empty for the partition's
 * @param array a job array specification ({@code 0-15%4}), if it is one
 * @param dependency a dependency ({@code afterok:123}), if any
 * @param requeue whether Slurm may requeue it after preemption or a node failure
 * @param environment the job's environment, exactly (nothing is inherited)
 * @param workingDirectory its working directory
 * @param standardOutput the output file (Slurm patterns allowed)
 * @param standardError the error file, empty to share the output file
 * @param warningSeconds send the batch script SIGUSR1 this long before the time limit, so that it
 *     can checkpoint and requeue itself; v0.0.40 and later carry it as the job's kill warning,
 *     v0.0.38 cannot address the batch shell alone and leaves it to the script ({@code slurm/allocation.sh})
 */
public record JobRequest(String script, String name, Optional<String> partition, Optional<String> account, Optional<String> qos,
        int nodes, int tasksPerNode, int cpusPerTask, int gpusPerNode, Optional<Long> memoryPerNodeMb, Optional<Integer> timeLimitMinutes,
        Optional<String> array, Optional<String> dependency, boolean requeue, Map<String, String> environment, String workingDirectory,
        String standardOutput, Optional<String> standardError, Optional<Integer> warningSeconds) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern ARRAY = Pattern.compile("[0-9]+(-[0-9]+(:[0-9]+)?)?(,[0-9]+(-[0-9]+(:[0-9]+)?)?)*(%[0-9]+)?");
    private static final Pattern DEPENDENCY = Pattern.compile("(after|afterany|afterok|afternotok|aftercorr|singleton)"
            + "(:[0-9_]+(\\+[0-9]+)?)*([,?](after|afterany|afterok|afternotok|aftercorr|singleton)(:[0-9_]+(\\+[0-9]+)?)*)*");

    public JobRequest {
        requireNonNull(script, "script");
        if (!script.startsWith("#!")) {
            throw new UsageException("Invalid job script: it must start with #! (e.g. #!/bin/bash)");
        }
        if (!NAME.matcher(requireNonNull(name, "name")).matches()) {
            throw new UsageException("Invalid job name '" + name + "': use letters, digits, '.', '_' or '-'");
        }
        requireNonNull(partition, "partition");
        requireNonNull(account, "account");
        requireNonNull(qos, "qos");
        positive("nodes", nodes);
        positive("tasks per node", tasksPerNode);
        positive("CPUs per task", cpusPerTask);
        if (gpusPerNode < 0) {
            throw new UsageException("Invalid GPUs per node " + gpusPerNode + ": give 0 or more");
        }
        requireNonNull(memoryPerNodeMb, "memoryPerNodeMb").ifPresent(m -> positive("memory per node (MiB)", m));
        requireNonNull(timeLimitMinutes, "timeLimitMinutes").ifPresent(t -> positive("time limit (minutes)", t));
        requireNonNull(array, "array").ifPresent(a -> {
            if (!ARRAY.matcher(a).matches()) {
                throw new UsageException("Invalid job array '" + a + "': expected e.g. 0-15, 1,3,5 or 0-99%10");
            }
        });
        requireNonNull(dependency, "dependency").ifPresent(d -> {
            if (!DEPENDENCY.matcher(d).matches()) {
                throw new UsageException("Invalid dependency '" + d + "': expected e.g. afterok:123 or afterany:123:124");
            }
        });
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        environment.keySet().forEach(k -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new UsageException("Invalid environment variable name '" + k + "' for the job");
            }
        });
        requireNonNull(workingDirectory, "workingDirectory");
        requireNonNull(standardOutput, "standardOutput");
        requireNonNull(standardError, "standardError");
        requireNonNull(warningSeconds, "warningSeconds").ifPresent(w -> {
            if (w < 1 || w > 65_535) {
                throw new UsageException("Invalid warning time " + w + " s before the time limit: give 1 to 65535 seconds");
            }
        });
    }

    private static void positive(String what, long value) {
        if (value < 1) {
            throw new UsageException("Invalid " + what + " " + value + ": give at least 1");
        }
    }

    /** A minimal request: one task on one node, the partition's defaults for the rest. */
    public static JobRequest of(String script, String name, Map<String, String> environment, String workingDirectory,
            String standardOutput) {
        return new JobRequest(script, name, Optional.empty(), Optional.empty(), Optional.empty(), 1, 1, 1, 0, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), true, environment, workingDirectory, standardOutput,
                Optional.empty(), Optional.empty());
    }
}
