package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * {@code --workers N}: synchronous parameter averaging over Spark executors (dl4j-spark's
 * {@link ParameterAveragingTrainingMaster}) on whatever master the session runs under. The train
 * split is encoded into normalised minibatches by the executors and exported once to files under
 * {@code exportDirectory} (dl4j-spark's export approach, so the data need not fit in memory); each
 * epoch, every worker fits {@code averagingFrequency} minibatches from its share of those files,
 * then the driver averages the workers' parameters and updater state and broadcasts them again.
 */
final class AveragingFitter implements EpochFitter {
    private final SparkContext spark;
    private final TrainingData train;
    private final int workers;
    private final int batchSize;
    private final int averagingFrequency;
    private final String exportDirectory;
    private JavaRDD<DataSet> batches;
    private SparkDl4jMultiLayer sparkNetwork;

    AveragingFitter(SparkContext spark, TrainingData train, int workers, int batchSize, int averagingFrequency,
            String exportDirectory) {
        this.spark = requireNonNull(spark, "spark");
        this.train = requireNonNull(train, "train");
        this.workers = workers;
        this.batchSize = batchSize;
        this.averagingFrequency = averagingFrequency;
        this.exportDirectory = requireNonNull(exportDirectory, "exportDirectory");
    }

    @Override
    public Fit fit(MultiLayerNetwork network, Optional<DataNormalization> normaliser, long seed) {
        if (batches == null) {
            batches = train.rdd(batchSize, normaliser, workers);
        }
        if (sparkNetwork == null || sparkNetwork.getNetwork() != network) {
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
                    .batchSizePerWorker(batchSize)
                    .averagingFrequency(averagingFrequency)
                    .workerPrefetchNumBatches(2)
                    .saveUpdater(true)
                    .rddTrainingApproach(RDDTrainingApproach.Export)
                    .exportDirectory(exportDirectory)
                    .rngSeed(seed)
                    .build();
            sparkNetwork = new SparkDl4jMultiLayer(spark, network, master);
        }
        MultiLayerNetwork trained = sparkNetwork.fit(batches);
        if (trained != network) {
            network.setParams(trained.params());
            network.getUpdater().setStateViewArray(network, trained.getUpdater().getStateViewArray(), false);
        }
        return new Fit(sparkNetwork.getScore(), train.rowCount());
    }

    @Override
    public void close() {
        try {
            Path dir = new Path(exportDirectory);
            FileSystem fs = dir.getFileSystem(spark.hadoopConfiguration());
            fs.delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the exported minibatches in " + exportDirectory + ": " + e.getMessage(), e);
        }
    }
}
