package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

import dev.keel.split.SplitRef;

/**
 * One registered model version.
 *
 * @param name the model's name
 * @param version 1, 2, ... per name
 * @param artifact the model directory ({@code models/<name>/<version>/})
 * @param modelSha256 SHA-256 of the model zip
 * @param specFile the spec it was trained from
 * @param specSha256 SHA-256 of the spec file
 * @param task classification or regression
 * @param hyperParameters epochs, batch size, updater, learning rate and the like, as text
 * @param seed the training seed
 * @param train the train split read
 * @param validation the validation split read
 * @param test the test split evaluated
 * @param metrics test metrics
 * @param backend the ND4J backend that trained it
 * @param workers training workers
 * @param runId the training run
 * @param owner who trained it
 * @param createdAt when it was registered
 */
public record ModelVersion(
        String name,
        long version,
        String artifact,
        String modelSha256,
        String specFile,
        String specSha256,
        String task,
        Map<String, String> hyperParameters,
        long seed,
        SplitRef train,
        SplitRef validation,
        SplitRef test,
        Map<String, Double> metrics,
        String backend,
        int workers,
        String runId,
        String owner,
        Instant createdAt) {

    public ModelVersion {
        requireNonNull(name, "name");
        requireNonNull(artifact, "artifact");
        requireNonNull(modelSha256, "modelSha256");
        requireNonNull(specFile, "specFile");
        requireNonNull(specSha256, "specSha256");
        requireNonNull(task, "task");
        hyperParameters = Map.copyOf(hyperParameters);
        requireNonNull(train, "train");
        requireNonNull(validation, "validation");
        requireNonNull(test, "test");
        metrics = Map.copyOf(metrics);
        requireNonNull(backend, "backend");
        requireNonNull(runId, "runId");
        requireNonNull(owner, "owner");
        requireNonNull(createdAt, "createdAt");
    }
}
