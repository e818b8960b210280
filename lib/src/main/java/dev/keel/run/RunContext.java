package dev.keel.run;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import scala.Option;

import dev.keel.access.Access;
import dev.keel.access.AccessDeniedException;
import dev.keel.access.AccessPolicy;
import dev.keel.access.Decision;
import dev.keel.audit.AuditDraft;
import dev.keel.audit.AuditEvent;
import dev.keel.audit.AuditTrail;
import dev.keel.error.KeelException;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.TableVersion;

/**
 * One run of a state-changing command: recorded in {@code _keel/runs} as RUNNING when it starts
 * and SUCCEEDED or FAILED (with the error) when it ends, audited at both ends, and stamped on every
 * Delta commit it makes (the run id as {@code userMetadata}) and on every Spark job (job group).
 */
public final class RunContext {
    private final RunEnvironment env;
    private final RunRecord started;
    private final AuditTrail audit;
    private final List<TableVersion> inputs = new ArrayList<>();
    private final List<TableVersion> outputs = new ArrayList<>();
    private final Optional<String> enclosing;
    private Optional<String> submittedJob = Optional.empty();

    private RunContext(RunEnvironment env, RunRecord started, Optional<String> enclosing) {
        this.env = env;
        this.started = started;
        this.audit = env.audit();
        this.enclosing = enclosing;
    }

    /**
     * Runs {@code work} as the recorded run {@code id} of {@code kind}. The run ends SUCCEEDED when {@code work}
     * returns and FAILED when it throws; the exception is rethrown unchanged. Before anything is recorded, the
     * access policy must grant the actor every permission in {@code access}; a denial is audited
     * ({@code access.denied}) and thrown as {@link AccessDeniedException}, with no run started.
     *
     * @param command the command's arguments, recorded as given (never pass secrets)
     */
    public static <T> T execute(RunEnvironment env, RunId id, String kind, List<String> command, Access access,
            Function<RunContext, T> work) {
        RunContext run = start(env, id, kind, command, access);
        T result;
        try {
            result = work.apply(run);
        } catch (RuntimeException | Error e) {
            try {
                run.end(RunStatus.FAILED, Optional.of(oneLine(e)));
            } catch (RuntimeException recordFailure) {
                e.addSuppressed(recordFailure);
            }
            throw e;
        }
        run.end(RunStatus.SUCCEEDED, Optional.empty());
        return result;
    }

    private static RunContext start(RunEnvironment env, RunId id, String kind, List<String> command, Access access) {
        requireNonNull(kind, "kind");
        AccessPolicy policy = env.accessPolicy();
        List<Decision> decisions = access.permissions().stream().map(p -> policy.decide(env.actor().name(), p)).toList();
        List<Decision> denied = decisions.stream().filter(d -> !d.allowed()).toList();
        if (!denied.isEmpty()) {
            throw deny(env, id, kind, command, access, policy, denied);
        }
        Instant now = env.clock().instant();
        RunRecord record = new RunRecord(id.value(), kind, RunStatus.RUNNING, env.actor().name(), env.host(),
                env.build().version(), env.build().shortCommit(), env.build().codeSha256(), env.config().hash(),
                command, now, Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.ofNullable(env.spark().sparkContext().applicationId()), env.slurmJobId());
        Option<String> enclosing = env.spark().conf().getOption(DeltaStore.USER_METADATA_CONF);
        env.spark().conf().set(DeltaStore.USER_METADATA_CONF, id.value());
        env.progress().info("run " + id + " (" + kind + ") started by " + env.actor().name());
        env.runs().start(record);
        RunContext run = new RunContext(env, record, enclosing.isDefined() ? Optional.of(enclosing.get()) : Optional.empty());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", kind);
        details.put("command", command);
        details.put("host", env.host());
        details.put("code", env.build().shortCommit());
        details.put("config_hash", record.configHash());
        env.slurmJobId().ifPresent(j -> details.put("slurm_job_id", j));
        details.put("access", decisions.stream().map(Decision::details).toList());
        details.put("policy_sha256", policy.sha256());
        run.audit("run.started", kind, details);
        return run;
    }

    private static AccessDeniedException deny(RunEnvironment env, RunId id, String kind, List<String> command, Access access,
            AccessPolicy policy, List<Decision> denied) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", kind);
        details.put("command", command);
        details.put("host", env.host());
        details.put("denied", denied.stream().map(Decision::details).toList());
        details.put("policy_sha256", policy.sha256());
        env.audit().record(AuditDraft.of(env.actor().name(), "access.denied", access.subject(), id.value(), details));
        Decision first = denied.get(0);
        List<String> granting = policy.rolesGranting(first.permission());
        return new AccessDeniedException("Access denied: " + env.actor().name() + " (roles: "
                + (first.roles().isEmpty() ? "none" : String.join(", ", first.roles())) + ") lacks "
                + denied.stream().map(Decision::permission).collect(java.util.stream.Collectors.joining(", ")) + " for "
                + access.subject() + " under " + policy.file() + ": " + (granting.isEmpty()
                        ? "no role grants it; an administrator must add it to the policy"
                        : "ask for role " + String.join(" or ", granting) + "; the denial is audited"));
    }

    public RunId id() {
        return new RunId(started.runId());
    }

    public String kind() {
        return started.kind();
    }

    public RunEnvironment env() {
        return env;
    }

    public Actor actor() {
        return env.actor();
    }

    public void addInput(TableVersion version) {
        inputs.add(requireNonNull(version, "version"));
    }

    /** Records that this run submitted Slurm job {@code jobId}; its run record carries the id. */
    public void submitted(String jobId) {
        submittedJob = Optional.of(requireNonNull(jobId, "jobId"));
    }

    public void addOutput(TableVersion version) {
        outputs.add(requireNonNull(version, "version"));
    }

    /** Appends an audit event attributed to this run and its actor. */
    public AuditEvent audit(String action, String subject, Map<String, ?> details) {
        return audit.record(AuditDraft.of(env.actor().name(), action, subject, started.runId(), details));
    }

    /**
     * Starts a named step: a progress line, and the Spark job-group description that the Spark UI
     * shows for every job until the step is closed.
     */
    public Step step(String description) {
        env.progress().info(description);
        env.spark().sparkContext().setJobGroup(started.runId(), kind() + ": " + description, false);
        return () -> env.spark().sparkContext().clearJobGroup();
    }

    private void end(RunStatus status, Optional<String> error) {
        Instant now = env.clock().instant();
        RunRecord ended = started.finish(status, now, error, inputs, outputs);
        RunRecord finished = submittedJob.map(ended::submitted).orElse(ended);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", kind());
        details.put("seconds", Duration.between(started.startedAt(), now).toMillis() / 1000.0);
        details.put("inputs", inputs.stream().map(TableVersion::toString).toList());
        details.put("outputs", outputs.stream().map(TableVersion::toString).toList());
        error.ifPresent(e -> details.put("error", e));
        try {
            env.runs().finish(finished);
            AuditEvent last = audit(status == RunStatus.SUCCEEDED ? "run.succeeded" : "run.failed", kind(), details);
            audit.witness(last, env.actor().name());
        } finally {
            enclosing.ifPresentOrElse(outer -> env.spark().conf().set(DeltaStore.USER_METADATA_CONF, outer),
                    () -> env.spark().conf().unset(DeltaStore.USER_METADATA_CONF));
            env.spark().sparkContext().clearJobGroup();
        }
        env.progress().info("run " + started.runId() + " " + status.name().toLowerCase(java.util.Locale.ROOT));
    }

    private static String oneLine(Throwable e) {
        String message = e instanceof KeelException ? e.getMessage() : e.getClass().getName() + ": " + e.getMessage();
        return message == null ? e.getClass().getName() : message.lines().findFirst().orElse(message);
    }

    /** A step of a run; closing it ends the Spark job group. */
    @FunctionalInterface
    public interface Step extends AutoCloseable {
        @Override
        void close();
    }
}
