package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.Optional;
import java.util.function.Consumer;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.train.Checkpoints.Partial;

/**
 * {@code --workers 1}: minibatches streamed from the train split through a seeded shuffle buffer
 * and fitted one by one in this JVM, checkpointing every {@code checkpointEvery} minibatches when
 * the spec asks for it. ND4J's random generator is reseeded per minibatch from the epoch's seed,
 * so a run resumed inside an epoch (skipping the minibatches already fitted) draws the same dropout
 * masks as one that never stopped: bit-for-bit repeatable on a CPU.
 */
final class LocalFitter implements EpochFitter {
    private final TrainingData train;
    private final int batchSize;
    private final Optional<Integer> checkpointEvery;

    LocalFitter(TrainingData train, int batchSize, Optional<Integer> checkpointEvery) {
        this.train = requireNonNull(train, "train");
        this.batchSize = batchSize;
        this.checkpointEvery = requireNonNull(checkpointEvery, "checkpointEvery");
    }

    @Override
    public Fit fit(MultiLayerNetwork network, Optional<DataNormalization> normaliser, long seed, Optional<Partial> from,
            Consumer<Partial> checkpoint) {
        int skip = from.map(Partial::iteration).orElse(0);
        double lossSum = from.map(Partial::lossSum).orElse(0.0);
        long examples = from.map(Partial::examples).orElse(0L);
        int iteration = 0;
        Iterator<DataSet> it = train.batches(batchSize, seed);
        while (it.hasNext()) {
            DataSet batch = it.next();
            iteration++;
            if (iteration <= skip) {
                continue;
            }
            Nd4j.getRandom().setSeed(seed * 1_000_003L + iteration);
            normaliser.ifPresent(n -> n.transform(batch));
            network.fit(batch);
            lossSum += network.score();
            examples += batch.numExamples();
            if (checkpointEvery.isPresent() && iteration % checkpointEvery.get() == 0 && it.hasNext()) {
                checkpoint.accept(new Partial(iteration, lossSum, examples));
            }
        }
        network.incrementEpochCount();
        return new Fit(iteration == 0 ? Double.NaN : lossSum / iteration, examples);
    }
}
