package dev.keel.score;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores one partition on an executor: the model zip (broadcast bytes) is restored once per
 * partition, rows are classified in batches, and each output row is the input's kept columns
 * followed by the predicted class and its probability.
 *
 * @param zip the model zip, already checked against the registry's SHA-256 by the driver
 * @param features the feature columns' positions in the input row, in the spec's order
 * @param kept the positions of the input columns copied to the output
 * @param batchSize rows per network call
 */
record ScorePartition(byte[] zip, int[] features, int[] kept, int batchSize) implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
        MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
        DataNormalization normaliser = ModelSerializer.restoreNormalizerFromInputStream(new ByteArrayInputStream(zip));
        return new Iterator<>() {
            private final List<Row> scored = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) {
                    return true;
                }
                scored.clear();
                next = 0;
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (!batch.isEmpty()) {
                    score(batch);
                }
                return !scored.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }

            private void score(List<Row> batch) {
                double[][] x = new double[batch.size()][features.length];
                for (int r = 0; r < batch.size(); r++) {
                    Row row = batch.get(r);
                    for (int i = 0; i < features.length; i++) {
                        x[r][i] = row.isNullAt(features[i]) ? 0 : ((Number) row.get(features[i])).doubleValue();
                    }
                }
                INDArray input = Nd4j.create(x);
                if (normaliser != null) {
                    normaliser.transform(input);
                }
                INDArray output = network.output(input, false);
                int[] predicted = output.argMax(1).toIntVector();
                for (int r = 0; r < batch.size(); r++) {
                    Object[] values = new Object[kept.length + 2];
                    for (int k = 0; k < kept.length; k++) {
                        values[k] = batch.get(r).get(kept[k]);
                    }
                    values[kept.length] = predicted[r];
                    values[kept.length + 1] = output.getDouble(r, predicted[r]);
                    scored.add(RowFactory.create(values));
                }
            }
        };
    }
}
