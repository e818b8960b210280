package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A request to train a model.
 *
 * @param spec what to train
 * @param dataset the dataset whose split to read
 * @param splitVersion the split table version ({@code splits/<dataset>}) holding train, val and test
 * @param workers training workers; 1 trains in this JVM
 * @param resumeRunId a run whose checkpoints to continue from
 */
public record TrainRequest(ModelSpec spec, String dataset, long splitVersion, int workers, Optional<String> resumeRunId) {
    public TrainRequest {
        requireNonNull(spec, "spec");
        requireNonNull(dataset, "dataset");
        requireNonNull(resumeRunId, "resumeRunId");
    }
}
