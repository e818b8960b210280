package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One job as slurmrestd reports it, in the same shape whatever the API version.
 *
 * @param jobId the job id
 * @param name the job name
 * @param user who it runs as
 * @param partition where it runs
 * @param state its base state
 * @param reason why it is in that state (Slurm's state reason), empty when none
 * @param exit how its batch script ended, for a job that ended
 * @param nodes the nodes it was given, empty while pending
 * @param submitted when it was submitted
 * @param started when it started
 * @param ended when it ended
 * @param tres the resources allocated ({@code cpu=2,mem=1G,node=1,gres/gpu=2}), empty while pending
 * @param standardOutput the output file as Slurm holds it (patterns such as {@code %j} unexpanded)
 * @param workingDirectory the job's working directory
 * @param arrayJobId the array it belongs to, if any
 * @param arrayTaskId its index in the array, if any
 * @param restarts how often it was requeued
 */
public record JobStatus(long jobId, String name, String user, String partition, JobState state, String reason,
        Optional<ExitStatus> exit, String nodes, Optional<Instant> submitted, Optional<Instant> started, Optional<Instant> ended,
        String tres, String standardOutput, String workingDirectory, Optional<Long> arrayJobId, Optional<Long> arrayTaskId,
        int restarts) {
    public JobStatus {
        requireNonNull(name, "name");
        requireNonNull(user, "user");
        requireNonNull(partition, "partition");
        requireNonNull(state, "state");
        requireNonNull(reason, "reason");
        requireNonNull(exit, "exit");
        requireNonNull(nodes, "nodes");
        requireNonNull(submitted, "submitted");
        requireNonNull(started, "started");
        requireNonNull(ended, "ended");
        requireNonNull(tres, "tres");
        requireNonNull(standardOutput, "standardOutput");
        requireNonNull(workingDirectory, "workingDirectory");
        requireNonNull(arrayJobId, "arrayJobId");
        requireNonNull(arrayTaskId, "arrayTaskId");
    }

    /**
     * The exit status a command that waited for this ended job returns, as {@code sbatch --wait}
     * does: 0 when it COMPLETED, its own exit code when it has one, else 1 (cancelled, timed out,
     * killed by a signal).
     */
    public int waitExitCode() {
        if (state == JobState.COMPLETED) {
            return 0;
        }
        int code = exit.map(e -> e.signal() == 0 ? e.code() : 0).orElse(0);
        return code != 0 ? code : 1;
    }

    /**
     * The output file with Slurm's filename patterns expanded ({@code %j %J %A %a %x %u %N %%}),
     * relative paths taken from the working directory.
     */
    public String outputFile() {
        String pattern = standardOutput.isEmpty() ? "slurm-%j.out" : standardOutput;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char p = pattern.charAt(++i);
            switch (p) {
                case 'j', 'J' -> out.append(jobId);
                case 'A' -> out.append(arrayJobId.orElse(jobId));
                case 'a' -> out.append(arrayTaskId.map(String::valueOf).orElse("4294967294"));
                case 'x' -> out.append(name);
                case 'u' -> out.append(user);
                case 'N' -> out.append(nodes.split(",")[0]);
                case '%' -> out.append('%');
                default -> out.append('%').append(p);
            }
        }
        String path = out.toString();
        return path.startsWith("/") || workingDirectory.isEmpty() ? path : workingDirectory + "/" + path;
    }
}
