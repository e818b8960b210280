package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.keel.registry.ModelVersion;

/**
 * A trained, evaluated and registered model.
 *
 * @param model the registry row
 * @param test the test split's metrics
 * @param history one record per epoch
 * @param bestEpoch the epoch whose weights were kept
 * @param resumedFrom the checkpoint epoch training continued from, 0 for a fresh start
 */
public record TrainResult(ModelVersion model, ModelMetrics test, List<EpochRecord> history, int bestEpoch, int resumedFrom) {
    public TrainResult {
        requireNonNull(model, "model");
        requireNonNull(test, "test");
        history = List.copyOf(history);
    }
}
