package dev.keel.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.keel.lake.TableVersion;

/**
 * One row of {@code _keel/runs}: what ran, who ran it, with which code and configuration, what it
 * read and wrote (as table versions), and how it ended.
 *
 * @param runId sortable run id
 * @param kind the command, e.g. {@code ingest}, {@code train}, {@code audit-note}
 * @param status RUNNING, SUCCEEDED or FAILED
 * @param actor who ran it
 * @param host the driver's host name
 * @param keelVersion keel's version
 * @param gitCommit the commit keel was built from ({@code -dirty} when the tree was dirty)
 * @param codeSha256 SHA-256 of the running keel code
 * @param configHash hash of the effective configuration (secrets excluded)
 * @param command the arguments the command was given
 * @param startedAt start time
 * @param endedAt end time, empty while running
 * @param error the failure, one line, empty unless FAILED
 * @param inputs table versions read
 * @param outputs table versions written
 * @param sparkAppId the Spark application id
 * @param slurmJobId the Slurm job id when running inside (or submitted as) a Slurm job
 */
public record RunRecord(
        String runId,
        String kind,
        RunStatus status,
        String actor,
        String host,
        String keelVersion,
        String gitCommit,
        String codeSha256,
        String configHash,
        List<String> command,
        Instant startedAt,
        Optional<Instant> endedAt,
        Optional<String> error,
        List<TableVersion> inputs,
        List<TableVersion> outputs,
        Optional<String> sparkAppId,
        Optional<String> slurmJobId) {

    public RunRecord {
        requireNonNull(runId, "runId");
        requireNonNull(kind, "kind");
        requireNonNull(status, "status");
        requireNonNull(actor, "actor");
        requireNonNull(host, "host");
        requireNonNull(keelVersion, "keelVersion");
        requireNonNull(gitCommit, "gitCommit");
        requireNonNull(codeSha256, "codeSha256");
        requireNonNull(configHash, "configHash");
        command = List.copyOf(requireNonNull(command, "command"));
        requireNonNull(startedAt, "startedAt");
        requireNonNull(endedAt, "endedAt");
        requireNonNull(error, "error");
        inputs = List.copyOf(requireNonNull(inputs, "inputs"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs"));
        requireNonNull(sparkAppId, "sparkAppId");
        requireNonNull(slurmJobId, "slurmJobId");
    }

    /** This record for a run that submitted Slurm job {@code jobId}. */
    public RunRecord submitted(String jobId) {
        return new RunRecord(runId, kind, status, actor, host, keelVersion, gitCommit, codeSha256, configHash, command,
                startedAt, endedAt, error, inputs, outputs, sparkAppId, Optional.of(jobId));
    }

    /** This record ended with {@code status} at {@code at}. */
    public RunRecord finish(RunStatus status, Instant at, Optional<String> error,
            List<TableVersion> inputs, List<TableVersion> outputs) {
        return new RunRecord(runId, kind, status, actor, host, keelVersion, gitCommit, codeSha256, configHash, command,
                startedAt, Optional.of(at), error, inputs, outputs, sparkAppId, slurmJobId);
    }
}
