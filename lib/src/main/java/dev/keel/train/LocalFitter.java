package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * {@code --workers 1}: minibatches streamed from the train split through a seeded shuffle buffer
 * and fitted one by one in this JVM. Bit-for-bit repeatable on a CPU.
 */
final class LocalFitter implements EpochFitter {
    private final TrainingData train;
    private final int batchSize;

    LocalFitter(TrainingData train, int batchSize) {
        this.train = requireNonNull(train, "train");
        this.batchSize = batchSize;
    }

    @Override
    public Fit fit(MultiLayerNetwork network, Optional<DataNormalization> normaliser, long seed) {
        double lossSum = 0;
        long batches = 0;
        long examples = 0;
        Iterator<DataSet> it = train.batches(batchSize, seed);
        while (it.hasNext()) {
            DataSet batch = it.next();
            normaliser.ifPresent(n -> n.transform(batch));
            network.fit(batch);
            lossSum += network.score();
            batches++;
            examples += batch.numExamples();
        }
        network.incrementEpochCount();
        return new Fit(batches == 0 ? Double.NaN : lossSum / batches, examples);
    }
}
