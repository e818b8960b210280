package dev.keel.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keel.demo.DigitsDrop;
import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.lake.LakeLayout;
import dev.keel.quality.ContractParser;
import dev.keel.split.SplitFractions;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitRequest;
import dev.keel.train.EpochRecord;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecParser;
import dev.keel.train.TrainJob;
import dev.keel.train.TrainRequest;
import dev.keel.train.TrainResult;

/**
 * {@code scripts/bench train}: the shipped digits, each image copied C times with pixel noise
 * (copies of one image stay in one split), split 80/10/10 by label; then the digits MLP trained for
 * the same fixed number of epochs (no early stopping) with one worker in this JVM and with two
 * workers averaging parameters over local Spark executors (every 5 and every 25 minibatches), in
 * the same JVM and session. Prints the 2-worker ÷ 1-worker ratios of test accuracy and of training
 * throughput, then the time per epoch of the 2-worker training submitted to a real standalone
 * cluster ({@code scripts/spark-cluster.sh}).
 */
public final class TrainBenchmark {
    private static final String DATASET = "digitsx";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Averaging frequencies measured: dl4j-spark's usual 5 (keel's default), and fewer, larger rounds. */
    private static final List<Integer> FREQUENCIES = List.of(TrainRequest.DEFAULT_AVERAGING_FREQUENCY, 25);

    private TrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = BenchRuns.emptyDirectory(args.length > 2 ? args[2] : ".keel/bench/train");
        Path lake = work.resolve("lake");
        SparkSession spark = BenchRuns.spark("keel-bench-train");
        SplitManifest split = prepare(spark, work, lake, copies);
        System.out.printf(Locale.ROOT, "keel train benchmark: digits x%d (%s rows per split), digits-mlp, %d epochs, batch 32, "
                + "Spark %s local[%d], %s%n", copies, split.statistics().rows(), epochs, spark.version(),
                spark.sparkContext().defaultParallelism(), work);

        String text = Files.readString(Path.of("conf", "models", "digits-mlp.yaml"))
                .replace("epochs: 30", "epochs: " + epochs).replace("early_stopping: { metric: loss, patience: 5 }", "");
        Path specFile = work.resolve("digits-mlp-fixed.yaml");
        Files.writeString(specFile, text);
        ModelSpec spec = ModelSpecParser.parse(specFile);

        TrainResult one = BenchRuns.run(spark, lake, "train", run -> new TrainJob(run).train(
                new TrainRequest(spec, DATASET, split.table().version(), 1, TrainRequest.DEFAULT_AVERAGING_FREQUENCY, Optional.empty())));
        double accuracy1 = one.test().get("accuracy");
        double throughput1 = steadyThroughput(one.history());
        System.out.printf(Locale.ROOT, "1 worker    test accuracy %.4f  %,.0f samples/s  %.1f s per epoch%n", accuracy1, throughput1,
                meanSeconds(one.history()));
        for (int frequency : FREQUENCIES) {
            TrainResult two = BenchRuns.run(spark, lake, "train", run -> new TrainJob(run).train(
                    new TrainRequest(spec, DATASET, split.table().version(), 2, frequency, Optional.empty())));
            double accuracy2 = two.test().get("accuracy");
            double throughput2 = steadyThroughput(two.history());
            System.out.printf(Locale.ROOT, "2 workers   test accuracy %.4f  %,.0f samples/s  %.1f s per epoch (local[2], averaging every "
                    + "%d minibatches)%n", accuracy2, throughput2, meanSeconds(two.history()), frequency);
            System.out.printf(Locale.ROOT, "ratio 2/1   accuracy %.3f (goal >= 0.85)  throughput %.2f (goal >= 1.6)%n",
                    accuracy2 / accuracy1, throughput2 / throughput1);
        }
        spark.stop();

        int clusterFrequency = FREQUENCIES.get(FREQUENCIES.size() - 1);
        JsonNode cluster = onStandaloneCluster(lake, specFile, split.table().version(), clusterFrequency);
        List<Double> seconds = new ArrayList<>();
        List<Double> throughput = new ArrayList<>();
        cluster.get("history").forEach(e -> {
            seconds.add(e.get("seconds").asDouble());
            throughput.add(e.get("samplesPerSecond").asDouble());
        });
        System.out.printf(Locale.ROOT, "standalone  2 workers (1 core each), averaging every %d: test accuracy %.4f, %.1f s per epoch "
                + "(epochs after the first: %.1f s), %,.0f samples/s after the first epoch%n", clusterFrequency,
                cluster.get("test").get("values").get("accuracy").asDouble(), seconds.stream().mapToDouble(d -> d).average().orElse(0),
                seconds.stream().skip(1).mapToDouble(d -> d).average().orElse(0),
                throughput.stream().skip(1).mapToDouble(d -> d).average().orElse(0));
    }

    /** Mean training samples/s over the epochs after the first (the first also exports or warms up). */
    private static double steadyThroughput(List<EpochRecord> history) {
        return history.stream().skip(1).mapToDouble(EpochRecord::samplesPerSecond).average().orElse(0);
    }

    private static double meanSeconds(List<EpochRecord> history) {
        return history.stream().mapToDouble(EpochRecord::seconds).average().orElse(0);
    }

    private static SplitManifest prepare(SparkSession spark, Path work, Path lake, int copies) {
        String drop = work.resolve("raw").toString();
        DigitsDrop.shipped().write(spark.sparkContext().hadoopConfiguration(), drop);
        BenchRuns.run(spark, lake, "ingest", run -> new IngestJob(run).ingest(new IngestRequest(
                ContractParser.parse(Path.of("conf", "contracts", "digits.yaml")), List.of(drop), IngestMode.APPEND)));
        LakeLayout layout = new LakeLayout(lake.toString());
        Dataset<Row> digits = spark.read().format("delta").load(layout.dataset("digits"));
        List<Column> columns = new ArrayList<>();
        columns.add(concat(col("image_id"), lit("-"), col("copy").cast("string")).as("image_id"));
        columns.add(col("image_id").as("source_image"));
        columns.add(col("label"));
        for (int i = 0; i < 64; i++) {
            Column noisy = col("pixel_" + i).cast("double").plus(rand(i).minus(0.5).multiply(2));
            columns.add(least(greatest(noisy, lit(0.0)), lit(16.0)).as("pixel_" + i));
        }
        digits.crossJoin(spark.range(copies).withColumnRenamed("id", "copy")).select(columns.toArray(Column[]::new))
                .write().format("delta").save(layout.dataset(DATASET));
        return BenchRuns.run(spark, lake, "split", run -> new SplitJob(run).split(new SplitRequest(DATASET, Optional.empty(),
                SplitFractions.parse("train=0.8,val=0.1,test=0.1"), 7, List.of("image_id"), Optional.of("source_image"),
                Optional.of("label")))).manifest();
    }

    /** Starts a 2-worker standalone cluster, trains on it through spark-submit, stops it; the training's JSON result. */
    private static JsonNode onStandaloneCluster(Path lake, Path spec, long splitVersion, int frequency)
            throws IOException, InterruptedException {
        String master = script(Map.of(), "scripts/spark-cluster.sh", "up", "2", "1", "3g").trim();
        try {
            String sparkHome = script(Map.of(), "scripts/spark-home.sh").trim();
            return JSON.readTree(script(Map.of("SPARK_HOME", sparkHome, "KEEL_LAKE_ROOT", lake.toString(),
                    "KEEL_SPARK_SUBMIT_OPTS", "--master " + master + " --executor-memory 2500m"),
                    "scripts/keel", "--json", "train", "--spec", spec.toString(), "--split", DATASET + "@" + splitVersion,
                    "--workers", "2", "--averaging-frequency", Integer.toString(frequency)));
        } finally {
            script(Map.of(), "scripts/spark-cluster.sh", "down");
        }
    }

    private static String script(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().remove("SPARK_HOME");
        builder.environment().putAll(env);
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
