package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.data.BatchAndExportDataSetsFunction;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

/**
 * {@code --workers N}: synchronous parameter averaging over Spark executors (dl4j-spark's
 * {@link ParameterAveragingTrainingMaster}) on whatever master the session runs under. The train
 * split is encoded into normalised minibatches by the executors and exported once to files under
 * {@code exportDirectory} (dl4j-spark's export approach, so the data need not fit in memory); each
 * epoch, every worker fits {@code averagingFrequency} minibatches from its share of those files,
 * then the driver averages the workers' parameters and updater state and broadcasts them again.
 *
 * <p>Averaging rounds are the only points where one set of weights exists, so this fitter
 * checkpoints after whole epochs only, and an epoch resumed from a checkpoint inside it (written by
 * one worker) is fitted again from its start with the checkpoint's weights.
 *
 * <p>keel exports the files itself and trains from their paths, because dl4j-spark's own export
 * refuses a {@code file:} default file system outside local mode, which is exactly the shared
 * POSIX file system (NFS, Lustre, GPFS) an HPC cluster's lake lives on.
 */
final class AveragingFitter implements EpochFitter {
    private final SparkContext spark;
    private final TrainingData train;
    private final int workers;
    private final int batchSize;
    private final int averagingFrequency;
    private final String exportDirectory;
    private JavaRDD<String> paths;
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
    public Fit fit(MultiLayerNetwork network, Optional<DataNormalization> normaliser, long seed, Optional<Checkpoints.Partial> from,
            Consumer<Checkpoints.Partial> checkpoint) {
        if (paths == null) {
            Broadcast<SerializableHadoopConfig> hadoop = JavaSparkContext.fromSparkContext(spark)
                    .broadcast(new SerializableHadoopConfig(spark.hadoopConfiguration()));
            List<String> files = train.rdd(batchSize, normaliser, workers)
                    .mapPartitionsWithIndex(new BatchAndExportDataSetsFunction(batchSize, exportDirectory, hadoop), false)
                    .collect();
            paths = JavaSparkContext.fromSparkContext(spark).parallelize(new ArrayList<>(files), workers);
        }
        if (sparkNetwork == null || sparkNetwork.getNetwork() != network) {
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
                    .batchSizePerWorker(batchSize)
                    .averagingFrequency(averagingFrequency)
                    .workerPrefetchNumBatches(2)
                    .saveUpdater(true)
                    .rngSeed(seed)
                    .build();
            sparkNetwork = new SparkDl4jMultiLayer(spark, network, master);
        }
        MultiLayerNetwork trained = sparkNetwork.fitPaths(paths);
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
