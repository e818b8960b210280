package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

import dev.keel.error.UsageException;

/**
 * A request to train a model.
 *
 * @param spec what to train
 * @param dataset the dataset whose split to read
 * @param splitVersion the split table version ({@code splits/<dataset>}) holding train, val and test
 * @param workers training workers; 1 trains in this JVM, more average parameters over Spark executors
 * @param averagingFrequency with several workers, the minibatches each fits between two averagings
 * @param resumeRunId a run whose checkpoints to continue from
 */
public record TrainRequest(ModelSpec spec, String dataset, long splitVersion, int workers, int averagingFrequency,
        Optional<String> resumeRunId) {
    /** Minibatches per worker between two averagings unless told otherwise. */
    public static final int DEFAULT_AVERAGING_FREQUENCY = 5;

    public TrainRequest {
        requireNonNull(spec, "spec");
        requireNonNull(dataset, "dataset");
        requireNonNull(resumeRunId, "resumeRunId");
        if (workers < 1) {
            throw new UsageException("Invalid --workers " + workers + ": give 1 to train in this JVM, or 2 or more to average "
                    + "parameters over Spark executors");
        }
        if (averagingFrequency < 1) {
            throw new UsageException("Invalid --averaging-frequency " + averagingFrequency
                    + ": give the number of minibatches each worker fits between averagings, 1 or more (default 5)");
        }
        if (workers > 1 && spec.training().checkpointEveryIterations().isPresent()) {
            throw new UsageException("Model spec " + spec.file() + " sets training.checkpoint_every_iterations, which only --workers 1 "
                    + "honours: parameter averaging checkpoints after every epoch; remove it or train with --workers 1");
        }
    }

    /** One worker in this JVM, no resume. */
    public static TrainRequest local(ModelSpec spec, String dataset, long splitVersion) {
        return new TrainRequest(spec, dataset, splitVersion, 1, DEFAULT_AVERAGING_FREQUENCY, Optional.empty());
    }
}
