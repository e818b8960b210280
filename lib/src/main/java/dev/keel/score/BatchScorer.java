package dev.keel.score;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.keel.build.Digests;
import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.TableVersion;
import dev.keel.lake.WriteOptions;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.run.RunContext;
import dev.keel.train.ModelSpec;
import dev.keel.train.TrainedModel;

/**
 * {@code keel score}: classifies every row of a pinned dataset version with a registered model
 * version on the executors and appends the predictions to a Delta table under
 * {@code predictions/}, each row carrying the model's name, version and SHA-256 and the input's
 * table and version. Scoring the same input version with the same model again changes nothing.
 */
public final class BatchScorer {
    private static final int BATCH = 1024;

    private final RunContext run;

    public BatchScorer(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * What a scoring run did.
     *
     * @param model the version that scored
     * @param input the dataset version scored
     * @param output the predictions table version written (the existing one when unchanged)
     * @param rows rows scored
     * @param unchanged whether this input was already scored by this model
     */
    public record ScoreResult(ModelRef model, TableVersion input, TableVersion output, long rows, boolean unchanged) {
    }

    public ScoreResult score(String reference, String dataset, long version, String output) {
        ModelVersion v = new ModelCatalog(run.env().store().kernel(), run.env().layout()).resolve(reference);
        ModelRef ref = ModelRef.of(v);
        TrainedModel model = TrainedModel.load(run.env().spark().sparkContext().hadoopConfiguration(), v);
        if (model.spec().task() != ModelSpec.Task.CLASSIFICATION) {
            throw new UsageException("Model " + ref + " is a " + v.task() + " model: keel score classifies; score a classifier");
        }
        DeltaStore store = run.env().store();
        TableVersion input = new TableVersion(run.env().layout().dataset(dataset), version);
        String out = run.env().layout().predictions(output);
        LakeLayout layout = run.env().layout();
        if (store.exists(out) && store.read(out).where(col("model_sha256").equalTo(v.modelSha256())
                .and(col("input_version").equalTo(version))).select("input_table").distinct().collectAsList().stream()
                .anyMatch(r -> layout.same(r.getString(0), input.table()))) {
            run.env().progress().info("unchanged: " + out + " already holds " + ref + "'s predictions for " + input);
            return new ScoreResult(ref, input, store.latest(out).orElseThrow(), 0, true);
        }
        Dataset<Row> rows = store.read(input);
        run.addInput(input);
        StructType schema = rows.schema();
        List<String> features = model.spec().features();
        int[] featureAt = new int[features.size()];
        for (int i = 0; i < featureAt.length; i++) {
            String f = features.get(i);
            if (!List.of(schema.fieldNames()).contains(f)) {
                throw new UsageException("Dataset " + input + " has no column '" + f + "' that model " + ref + " reads: score a dataset "
                        + "with the model's features");
            }
            if (!(schema.apply(f).dataType() instanceof NumericType)) {
                throw new UsageException("Column '" + f + "' of " + input + " is " + schema.apply(f).dataType().simpleString()
                        + ", but model " + ref + " reads it as a number");
            }
            featureAt[i] = schema.fieldIndex(f);
        }
        List<Integer> kept = new ArrayList<>();
        StructType outSchema = new StructType();
        for (StructField field : schema.fields()) {
            if (!features.contains(field.name()) && !field.name().equals(model.spec().label())) {
                kept.add(schema.fieldIndex(field.name()));
                outSchema = outSchema.add(field);
            }
        }
        outSchema = outSchema.add("prediction", DataTypes.IntegerType, false).add("probability", DataTypes.DoubleType, false);
        byte[] zip = zip(v);
        Dataset<Row> predicted;
        try (RunContext.Step step = run.step("scoring " + input + " with " + ref)) {
            predicted = rows.mapPartitions(new ScorePartition(zip, featureAt, kept.stream().mapToInt(Integer::intValue).toArray(),
                    BATCH), Encoders.row(outSchema))
                    .withColumn("model_name", lit(v.name()))
                    .withColumn("model_version", lit(v.version()))
                    .withColumn("model_sha256", lit(v.modelSha256()))
                    .withColumn("input_table", lit(layout.name(input.table())))
                    .withColumn("input_version", lit(version))
                    .withColumn("run_id", lit(run.id().value()))
                    .withColumn("scored_at", current_timestamp());
            TableVersion result = store.append(out, predicted, WriteOptions.forRun(run.id().value())).version();
            run.addOutput(result);
            long count = store.read(result).where(col("run_id").equalTo(run.id().value())).count();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("input", input.toString());
            details.put("output", result.toString());
            details.put("rows", count);
            details.put("model_sha256", v.modelSha256());
            run.audit("model.scored", ref.toString(), details);
            return new ScoreResult(ref, input, result, count, false);
        }
    }

    private byte[] zip(ModelVersion v) {
        Path file = new Path(v.artifact(), "model.zip");
        try {
            FileSystem fs = file.getFileSystem(run.env().spark().sparkContext().hadoopConfiguration());
            try (InputStream in = fs.open(file)) {
                byte[] bytes = in.readAllBytes();
                if (!Digests.sha256Hex(bytes).equals(v.modelSha256())) {
                    throw new IntegrityException("Model " + ModelRef.of(v) + "'s model.zip changed while it was being scored: retry");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new UsageException("Cannot read " + file + " (" + e.getMessage() + "): check the model directory");
        }
    }
}
