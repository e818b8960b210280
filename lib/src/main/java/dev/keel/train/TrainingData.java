package dev.keel.train;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_pop;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.error.UsageException;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRef;

/**
 * One split's rows as DL4J minibatches: the spec's feature columns as doubles and the label
 * one-hot encoded (classification) or as a value (regression). Rows stream to the training JVM
 * one partition at a time ({@code toLocalIterator}); they are never collected whole. The rows are
 * kept (memory and disk) for the epochs, and each epoch passes them through a shuffle buffer
 * seeded by the spec's seed and the epoch, so the order is the same in every run.
 */
public final class TrainingData implements AutoCloseable {
    private static final int SHUFFLE_BUFFER = 10_000;

    private final ModelSpec spec;
    private final BatchEncoder encoder;
    private final Dataset<Row> rows;
    private final int carriedCount;
    private long count = -1;

    public TrainingData(SplitReader reader, SplitRef ref, ModelSpec spec) {
        this(reader, ref, spec, List.of());
    }

    /**
     * The split's rows for {@code spec}, carrying {@code carried} (named expressions over the
     * split's columns, as text) along each row for {@link #carried()}: what an evaluation slices by.
     */
    public TrainingData(SplitReader reader, SplitRef ref, ModelSpec spec, List<Column> carried) {
        this.spec = requireNonNull(spec, "spec");
        this.carriedCount = carried.size();
        this.encoder = BatchEncoder.of(spec, requireNonNull(ref, "ref"));
        Dataset<Row> split = reader.read(ref);
        List<String> columns = List.of(split.columns());
        List<String> needed = new ArrayList<>(spec.features());
        needed.add(spec.label());
        needed.stream().filter(c -> !columns.contains(c)).findFirst().ifPresent(c -> {
            throw new UsageException("Split " + ref + " has no column '" + c + "' that model spec " + spec.file()
                    + " needs: its columns are " + String.join(", ", columns));
        });
        List<Column> selected = new ArrayList<>();
        spec.features().forEach(f -> selected.add(col(f).cast("double")));
        selected.add(col(spec.label()).cast("double"));
        carried.forEach(c -> selected.add(c.cast("string")));
        this.rows = split.select(selected.toArray(Column[]::new)).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * A normaliser fitted on these rows (the train split): per-feature mean and standard
     * deviation, or minimum and maximum, aggregated by Spark. A constant feature gets a scale of
     * 1 so that it maps to 0 instead of dividing by zero. Empty for {@code normalisation: none}.
     */
    public Optional<DataNormalization> fitNormaliser() {
        int n = spec.features().size();
        List<Column> stats = new ArrayList<>();
        if (spec.normalisation() == ModelSpec.Normalisation.NONE) {
            return Optional.empty();
        }
        boolean standardize = spec.normalisation() == ModelSpec.Normalisation.STANDARDIZE;
        for (int i = 0; i < n; i++) {
            Column c = col(rows.columns()[i]);
            stats.add(standardize ? avg(c) : min(c));
            stats.add(standardize ? stddev_pop(c) : max(c));
        }
        Row r = rows.agg(stats.get(0), stats.subList(1, stats.size()).toArray(Column[]::new)).first();
        double[] first = new double[n];
        double[] second = new double[n];
        for (int i = 0; i < n; i++) {
            first[i] = r.isNullAt(2 * i) ? 0 : r.getDouble(2 * i);
            second[i] = r.isNullAt(2 * i + 1) ? first[i] : r.getDouble(2 * i + 1);
        }
        if (standardize) {
            for (int i = 0; i < n; i++) {
                second[i] = second[i] > 0 ? second[i] : 1;
            }
            NormalizerStandardize normaliser = new NormalizerStandardize(Nd4j.create(first).reshape(1, n),
                    Nd4j.create(second).reshape(1, n));
            return Optional.of(normaliser);
        }
        for (int i = 0; i < n; i++) {
            second[i] = second[i] > first[i] ? second[i] : first[i] + 1;
        }
        NormalizerMinMaxScaler scaler = new NormalizerMinMaxScaler();
        scaler.setFeatureStats(Nd4j.create(first).reshape(1, n), Nd4j.create(second).reshape(1, n));
        return Optional.of(scaler);
    }

    /** The minibatches of one pass, shuffled with {@code seed} (the same seed gives the same order). */
    public Iterator<DataSet> batches(int batchSize, long seed) {
        Iterator<Row> source = rows.toLocalIterator();
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> buffer = new ArrayList<>();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext() || !buffer.isEmpty();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && hasNext()) {
                    while (buffer.size() < SHUFFLE_BUFFER && source.hasNext()) {
                        buffer.add(source.next());
                    }
                    int pick = random.nextInt(buffer.size());
                    batch.add(buffer.get(pick));
                    buffer.set(pick, buffer.get(buffer.size() - 1));
                    buffer.remove(buffer.size() - 1);
                }
                return encoder.encode(batch);
            }
        };
    }

    /** The number of rows. */
    public long rowCount() {
        if (count < 0) {
            count = rows.count();
        }
        return count;
    }

    /**
     * The carried values of every row, in the order {@link #batches(int)} yields the rows: one
     * array per carried expression (null where it is null).
     */
    public String[][] carried() {
        String[][] values = new String[carriedCount][Math.toIntExact(rowCount())];
        int first = spec.features().size() + 1;
        int r = 0;
        Iterator<Row> it = rows.toLocalIterator();
        while (it.hasNext()) {
            Row row = it.next();
            for (int c = 0; c < carriedCount; c++) {
                values[c][r] = row.isNullAt(first + c) ? null : row.getString(first + c);
            }
            r++;
        }
        return values;
    }

    /** The minibatches of one pass in the split's own order, for evaluation. */
    public Iterator<DataSet> batches(int batchSize) {
        return encoder.batches(rows.toLocalIterator(), batchSize, Optional.empty());
    }

    /**
     * The rows as an RDD of normalised minibatches in {@code partitions} partitions, for parameter
     * averaging: each executor encodes its own partitions, nothing passes through the driver.
     */
    JavaRDD<DataSet> rdd(int batchSize, Optional<DataNormalization> normaliser, int partitions) {
        return rows.repartition(partitions).toJavaRDD()
                .mapPartitions(new EncodePartition(encoder, batchSize, normaliser.orElse(null)));
    }

    /** Encodes one partition; the normaliser is null when the spec declares none. */
    private record EncodePartition(BatchEncoder encoder, int batchSize, DataNormalization normaliser)
            implements FlatMapFunction<Iterator<Row>, DataSet> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<DataSet> call(Iterator<Row> partition) {
            return encoder.batches(partition, batchSize, Optional.ofNullable(normaliser));
        }
    }

    @Override
    public void close() {
        rows.unpersist();
    }
}
