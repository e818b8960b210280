package dev.keel.slurm;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Slurm 22.05's v0.0.38: plain values everywhere; {@code job_state} a string, {@code exit_code}
 * the raw wait status, times Unix seconds (0 for none), {@code environment} an object,
 * {@code nodes} a [minimum, maximum] pair.
 */
final class DialectV38 implements Dialect {
    @Override
    public String version() {
        return "v0.0.38";
    }

    @Override
    public ObjectNode submitBody(JobRequest r) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("script", r.script());
        ObjectNode job = body.putObject("job");
        job.put("name", r.name());
        r.partition().ifPresent(p -> job.put("partition", p));
        r.account().ifPresent(a -> job.put("account", a));
        r.qos().ifPresent(q -> job.put("qos", q));
        job.putArray("nodes").add(r.nodes()).add(r.nodes());
        job.put("tasks", r.nodes() * r.tasksPerNode());
        job.put("tasks_per_node", r.tasksPerNode());
        job.put("cpus_per_task", r.cpusPerTask());
        if (r.gpusPerNode() > 0) {
            job.put("gres", "gpu:" + r.gpusPerNode());
        }
        r.memoryPerNodeMb().ifPresent(m -> job.put("memory_per_node", m));
        r.timeLimitMinutes().ifPresent(t -> job.put("time_limit", t));
        r.array().ifPresent(a -> job.put("array", a));
        r.dependency().ifPresent(d -> job.put("dependency", d));
        job.put("requeue", r.requeue());
        ObjectNode env = job.putObject("environment");
        r.environment().forEach(env::put);
        job.put("current_working_directory", r.workingDirectory());
        job.put("standard_output", r.standardOutput());
        r.standardError().ifPresent(e -> job.put("standard_error", e));
        return body;
    }

    @Override
    public JobStatus job(JsonNode j) {
        String where = "job";
        long id = Json.integer(j, "job_id", where);
        where = "job " + id;
        JobState state = JobState.parse(Json.text(j, "job_state", where));
        Optional<ExitStatus> exit = state.terminal() ? Optional.of(ExitStatus.fromWaitStatus(Json.integer(j, "exit_code", where)))
                : Optional.empty();
        long arrayJob = j.path("array_job_id").asLong(0);
        JsonNode task = j.get("array_task_id");
        return new JobStatus(id, Json.textOrEmpty(j, "name"), Json.textOrEmpty(j, "user_name"), Json.textOrEmpty(j, "partition"), state,
                reason(Json.textOrEmpty(j, "state_reason")), exit, Json.textOrEmpty(j, "nodes"),
                Json.time(j.path("submit_time").asLong(0)), Json.time(j.path("start_time").asLong(0)),
                Json.time(state.terminal() ? j.path("end_time").asLong(0) : 0), Json.textOrEmpty(j, "tres_alloc_str"),
                Json.textOrEmpty(j, "standard_output"), Json.textOrEmpty(j, "current_working_directory"),
                arrayJob > 0 ? Optional.of(arrayJob) : Optional.empty(),
                task != null && task.canConvertToLong() ? Optional.of(task.asLong()) : Optional.empty(), j.path("restart_cnt").asInt(0));
    }

    static String reason(String reason) {
        return reason.equals("None") ? "" : reason;
    }
}
