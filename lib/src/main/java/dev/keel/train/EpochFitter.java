package dev.keel.train;

import java.util.Optional;
import java.util.function.Consumer;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * Fits a network to one pass over the train split, updating its parameters, updater state and
 * epoch count in place (the epoch count drives learning-rate schedules): in this JVM ({@link LocalFitter}) or by parameter averaging over Spark executors
 * ({@link AveragingFitter}). The {@link Trainer} around it owns epochs, validation, checkpoints
 * and early stopping, which are the same either way.
 */
interface EpochFitter extends AutoCloseable {
    /**
     * One epoch's training.
     *
     * @param loss mean training loss (DL4J score) over the epoch
     * @param examples training examples seen
     */
    record Fit(double loss, long examples) {
    }

    /**
     * Fits one epoch; {@code seed} orders the epoch's examples, so the same seed gives the same order.
     *
     * @param from where a checkpoint inside this epoch left it, to go on from there
     * @param checkpoint takes the epoch's progress whenever the fitter checkpoints inside the epoch
     */
    Fit fit(MultiLayerNetwork network, Optional<DataNormalization> normaliser, long seed, Optional<Checkpoints.Partial> from,
            Consumer<Checkpoints.Partial> checkpoint);

    /** Frees what the fitter holds between epochs (exported minibatches); nothing by default. */
    @Override
    default void close() {
    }
}
