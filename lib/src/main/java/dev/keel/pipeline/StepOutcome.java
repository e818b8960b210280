package dev.keel.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How one step of one pipeline attempt ended, as {@code _keel/pipeline_runs} keeps it.
 *
 * @param pipeline the pipeline's name
 * @param attempt the attempt: the run id of the pipeline run that started it; a re-run after a
 *     failure continues the same attempt
 * @param pipelineRun the pipeline run that ran the step
 * @param step the step
 * @param status SUCCEEDED, SKIPPED or FAILED
 * @param runId the step's own run, when it did work
 * @param outputs what later steps need from it (a dataset version, a split version, a model)
 * @param message what happened, in a sentence
 * @param at when it ended
 */
public record StepOutcome(String pipeline, String attempt, String pipelineRun, Step step, Status status, Optional<String> runId,
        Map<String, String> outputs, String message, Instant at) {
    /** A step's end state. */
    public enum Status { SUCCEEDED, SKIPPED, FAILED }

    public StepOutcome {
        requireNonNull(pipeline, "pipeline");
        requireNonNull(attempt, "attempt");
        requireNonNull(pipelineRun, "pipelineRun");
        requireNonNull(step, "step");
        requireNonNull(status, "status");
        requireNonNull(runId, "runId");
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        requireNonNull(message, "message");
        requireNonNull(at, "at");
    }

    /** Whether a re-run of its attempt can reuse it. */
    public boolean done() {
        return status != Status.FAILED;
    }
}
