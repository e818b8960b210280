package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One epoch of training, as kept in the run's history.
 *
 * @param epoch 1-based
 * @param loss mean training loss (DL4J score) over the epoch's minibatches
 * @param validation validation metrics after the epoch
 * @param samplesPerSecond training examples per second
 * @param seconds wall time of the epoch, evaluation included
 */
public record EpochRecord(int epoch, double loss, Map<String, Double> validation, double samplesPerSecond, double seconds) {
    public EpochRecord {
        validation = Map.copyOf(requireNonNull(validation, "validation"));
    }
}
