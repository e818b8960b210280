package dev.keel.slurm;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Slurm 23.11 and later (v0.0.40, v0.0.41, v0.0.42): numbers that may be unset or infinite come
 * as {@code {"set", "infinite", "number"}} objects; {@code job_state} is a list of flags whose
 * first is the base state; {@code exit_code} is an object with the return code and signal;
 * {@code environment} a list of {@code NAME=value} strings; the node count a string
 * ({@code "2"}); GPUs {@code tres_per_node}. From v0.0.41 the script goes inside {@code job}.
 */
final class DialectV40 implements Dialect {
    private final int minor;

    DialectV40(int minor) {
        this.minor = minor;
    }

    @Override
    public String version() {
        return "v0.0." + minor;
    }

    @Override
    public ObjectNode submitBody(JobRequest r) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode job = body.putObject("job");
        if (minor >= 41) {
            job.put("script", r.script());
        } else {
            body.put("script", r.script());
        }
        job.put("name", r.name());
        r.partition().ifPresent(p -> job.put("partition", p));
        r.account().ifPresent(a -> job.put("account", a));
        r.qos().ifPresent(q -> job.put("qos", q));
        job.put("nodes", Integer.toString(r.nodes()));
        job.put("tasks", r.nodes() * r.tasksPerNode());
        job.put("tasks_per_node", r.tasksPerNode());
        job.put("cpus_per_task", r.cpusPerTask());
        if (r.gpusPerNode() > 0) {
            job.put("tres_per_node", "gres/gpu:" + r.gpusPerNode());
        }
        r.memoryPerNodeMb().ifPresent(m -> number(job, "memory_per_node", m));
        r.timeLimitMinutes().ifPresent(t -> number(job, "time_limit", t));
        r.array().ifPresent(a -> job.put("array", a));
        r.dependency().ifPresent(d -> job.put("dependency", d));
        job.put("requeue", r.requeue());
        var env = job.putArray("environment");
        r.environment().forEach((k, v) -> env.add(k + "=" + v));
        job.put("current_working_directory", r.workingDirectory());
        job.put("standard_output", r.standardOutput());
        r.standardError().ifPresent(e -> job.put("standard_error", e));
        r.warningSeconds().ifPresent(w -> {
            job.putArray("kill_warning_flags").add("BATCH_JOB");
            job.put("kill_warning_signal", "SIGUSR1");
            number(job, "kill_warning_delay", w);
        });
        return body;
    }

    private static void number(ObjectNode parent, String name, long value) {
        ObjectNode n = parent.putObject(name);
        n.put("set", true);
        n.put("infinite", false);
        n.put("number", value);
    }

    @Override
    public JobStatus job(JsonNode j) {
        long id = Json.integer(j, "job_id", "job");
        String where = "job " + id;
        JsonNode states = Json.field(j, "job_state", where);
        String base = states.isArray() ? (states.isEmpty() ? "UNKNOWN" : states.get(0).asText()) : states.asText();
        JobState state = JobState.parse(base);
        Optional<ExitStatus> exit = state.terminal() ? Optional.of(exit(Json.field(j, "exit_code", where), where)) : Optional.empty();
        return new JobStatus(id, Json.textOrEmpty(j, "name"), Json.textOrEmpty(j, "user_name"), Json.textOrEmpty(j, "partition"), state,
                DialectV38.reason(Json.textOrEmpty(j, "state_reason")), exit, Json.textOrEmpty(j, "nodes"),
                Json.time(number(j.get("submit_time")).orElse(0L)), Json.time(number(j.get("start_time")).orElse(0L)),
                Json.time(state.terminal() ? number(j.get("end_time")).orElse(0L) : 0), Json.textOrEmpty(j, "tres_alloc_str"),
                Json.textOrEmpty(j, "standard_output"), Json.textOrEmpty(j, "current_working_directory"),
                number(j.get("array_job_id")).filter(a -> a > 0), number(j.get("array_task_id")),
                j.path("restart_cnt").asInt(0));
    }

    private static ExitStatus exit(JsonNode e, String where) {
        if (e.canConvertToLong()) {
            return ExitStatus.fromWaitStatus(e.asLong());
        }
        int code = number(e.get("return_code")).map(Long::intValue).orElse(0);
        JsonNode signal = e.path("signal").path("id");
        int sig = number(signal.isMissingNode() ? null : signal).map(Long::intValue).orElse(0);
        if (!e.has("return_code") && !e.has("status")) {
            throw new MalformedResponseException(where + " field 'exit_code' has neither return_code nor status: " + e);
        }
        return new ExitStatus(code & 0xff, sig & 0x7f);
    }

    /** A plain number, or a {@code {"set", "infinite", "number"}} object; empty when unset or infinite. */
    private static Optional<Long> number(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Optional.empty();
        }
        if (n.canConvertToLong()) {
            return Optional.of(n.asLong());
        }
        if (n.isObject() && n.path("set").asBoolean(false) && !n.path("infinite").asBoolean(false)) {
            return Optional.of(n.path("number").asLong());
        }
        return Optional.empty();
    }
}
