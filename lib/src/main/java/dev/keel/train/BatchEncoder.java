package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.error.UsageException;

/**
 * Turns split rows (the feature columns as doubles, then the label) into DL4J minibatches: labels
 * one-hot encoded for a classification, as a value for a regression. Serializable, so that Spark
 * executors encode their own partitions for parameter averaging exactly as the driver does for
 * one worker.
 *
 * @param features the number of feature columns
 * @param classes the number of classes; 0 for a regression
 * @param label the label column, for errors
 * @param source the split and spec the rows come from, for errors
 */
record BatchEncoder(int features, int classes, String label, String source) implements Serializable {
    private static final long serialVersionUID = 1L;

    BatchEncoder {
        requireNonNull(label, "label");
        requireNonNull(source, "source");
    }

    static BatchEncoder of(ModelSpec spec, Object ref) {
        return new BatchEncoder(spec.features().size(), spec.task() == ModelSpec.Task.CLASSIFICATION ? spec.classes() : 0,
                spec.label(), "split " + ref + " (model spec " + spec.file() + ")");
    }

    DataSet encode(List<Row> batch) {
        int outputs = classes == 0 ? 1 : classes;
        double[][] x = new double[batch.size()][features];
        double[][] y = new double[batch.size()][outputs];
        for (int r = 0; r < batch.size(); r++) {
            Row row = batch.get(r);
            for (int i = 0; i < features; i++) {
                x[r][i] = row.isNullAt(i) ? 0 : row.getDouble(i);
            }
            if (row.isNullAt(features)) {
                throw new UsageException("A row of " + source + " has a null label '" + label
                        + "': declare the label not_null in the dataset's contract");
            }
            double value = row.getDouble(features);
            if (classes == 0) {
                y[r][0] = value;
            } else {
                int k = (int) value;
                if (k != value || k < 0 || k >= classes) {
                    throw new UsageException("A row of " + source + " has label " + value + " in '" + label
                            + "' but the spec declares classes 0.." + (classes - 1));
                }
                y[r][k] = 1;
            }
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** Consecutive minibatches of {@code batchSize} rows, transformed by the normaliser when there is one. */
    Iterator<DataSet> batches(Iterator<Row> rows, int batchSize, Optional<DataNormalization> normaliser) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public DataSet next() {
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    throw new NoSuchElementException();
                }
                DataSet data = encode(batch);
                normaliser.ifPresent(n -> n.transform(data));
                return data;
            }
        };
    }
}
