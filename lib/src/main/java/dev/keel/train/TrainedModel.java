package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

import dev.keel.build.Digests;
import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;

/**
 * A registered model version loaded back from its directory: the network and normaliser from
 * {@code model.zip}, checked against the SHA-256 the registry recorded, and the spec it was
 * trained from ({@code spec.yaml} kept with it, or for older versions the spec file, checked
 * against the recorded SHA-256 too).
 */
public record TrainedModel(ModelVersion version, ModelSpec spec, MultiLayerNetwork network, Optional<DataNormalization> normaliser) {
    public TrainedModel {
        requireNonNull(version, "version");
        requireNonNull(spec, "spec");
        requireNonNull(network, "network");
        requireNonNull(normaliser, "normaliser");
    }

    /**
     * Loads {@code version}.
     *
     * @throws IntegrityException when the model zip or spec no longer has the recorded SHA-256
     */
    public static TrainedModel load(Configuration hadoop, ModelVersion version) {
        ModelRef ref = ModelRef.of(version);
        try {
            Path dir = new Path(version.artifact());
            FileSystem fs = dir.getFileSystem(hadoop);
            byte[] zip = readAll(fs, new Path(dir, "model.zip"));
            String sha = Digests.sha256Hex(zip);
            if (!sha.equals(version.modelSha256())) {
                throw new IntegrityException("Model " + ref + "'s model.zip in " + dir + " has SHA-256 " + sha + " but _keel/models "
                        + "recorded " + version.modelSha256() + ": the artifact was changed after registration; restore it or retrain");
            }
            Path kept = new Path(dir, TrainJob.SPEC_FILE);
            ModelSpec spec = fs.exists(kept)
                    ? ModelSpecParser.parse(kept.toString(), new String(readAll(fs, kept), StandardCharsets.UTF_8))
                    : ModelSpecParser.parse(java.nio.file.Path.of(version.specFile()));
            if (!spec.sha256().equals(version.specSha256())) {
                throw new IntegrityException("Model " + ref + "'s spec " + spec.file() + " has SHA-256 " + spec.sha256()
                        + " but the model was trained from " + version.specSha256() + ": restore the spec it was trained with");
            }
            MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
            DataNormalization normaliser = ModelSerializer.restoreNormalizerFromInputStream(new ByteArrayInputStream(zip));
            return new TrainedModel(version, spec, network, Optional.ofNullable(normaliser));
        } catch (ChecksumException e) {
            throw new IntegrityException("Model " + ref + "'s files in " + version.artifact() + " fail their file-system checksum ("
                    + e.getMessage() + "): the artifact was changed or corrupted after registration; restore it or retrain");
        } catch (IOException e) {
            throw new UsageException("Cannot read model " + ref + " from " + version.artifact() + " (" + e.getMessage()
                    + "): check that the model directory is where _keel/models says");
        }
    }

    /**
     * Predicted and true classes of every example of {@code data}, in the split's order.
     *
     * @param actual the true class of each example
     * @param predicted the class with the highest output
     */
    public record Predictions(int[] actual, int[] predicted) {
    }

    /** Classifies every example of {@code data}; a regression model has no classes to predict. */
    public Predictions classify(TrainingData data) {
        int[] actual = new int[Math.toIntExact(data.rowCount())];
        int[] predicted = new int[actual.length];
        int n = 0;
        Iterator<DataSet> batches = data.batches(1024);
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            int[] guess = classify(batch.getFeatures());
            INDArray truth = batch.getLabels().argMax(1);
            for (int r = 0; r < batch.numExamples(); r++, n++) {
                actual[n] = truth.getInt(r);
                predicted[n] = guess[r];
            }
        }
        return new Predictions(actual, predicted);
    }

    /** The predicted class of each row of raw (not yet normalised) features, one row per example. */
    public int[] classify(INDArray features) {
        if (spec.task() != ModelSpec.Task.CLASSIFICATION) {
            throw new UsageException("Model " + ModelRef.of(version) + " is a " + version.task() + " model: it predicts no classes");
        }
        INDArray x = features.dup();
        normaliser.ifPresent(z -> z.transform(x));
        return network.output(x, false).argMax(1).toIntVector();
    }

    private static byte[] readAll(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }
}
