package dev.keel.bench;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.keel.lake.LakeLayout;
import dev.keel.split.SplitFractions;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitRequest;

/**
 * {@code scripts/bench split}: writes a dataset of N rows (an id, a user, a label of 10 classes and
 * 8 features) as a Delta table, then measures in the same JVM and Spark session keel's split
 * materialisation (hash assignment, the partitioned Delta write, and the manifest's counts,
 * content hashes computed back from Delta, the manifest) against Spark's
 * {@code randomSplit} followed by the same partitioned Delta write. A stratified keel split is
 * timed too, against the same baseline, for information.
 */
public final class SplitBenchmark {
    private static final String DATASET = "bench";
    private static final double[] WEIGHTS = {0.8, 0.1, 0.1};
    private static final List<String> NAMES = List.of("train", "val", "test");

    private SplitBenchmark() {
    }

    public static void main(String[] args) {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path work = BenchRuns.emptyDirectory(args.length > 1 ? args[1] : ".keel/bench/split");
        SparkSession spark = BenchRuns.spark("keel-bench-split");
        System.out.printf("keel split benchmark: %,d rows, Spark %s local[%d], %s%n", rows, spark.version(),
                spark.sparkContext().defaultParallelism(), work);
        double generate = BenchRuns.seconds(() -> generate(spark, 200_000, work.resolve("warmup")));
        generate += BenchRuns.seconds(() -> generate(spark, rows, work.resolve("lake")));
        System.out.printf("generated the dataset in %.1f s%n", generate);

        double[] inside = new double[1];
        split(spark, work.resolve("warmup"), Optional.empty(), inside);
        baseline(spark, work.resolve("warmup"), work.resolve("warmup-baseline"));

        double baseline = BenchRuns.seconds(() -> baseline(spark, work.resolve("lake"), work.resolve("baseline")));
        SplitManifest[] manifest = new SplitManifest[1];
        double keel = BenchRuns.seconds(() -> manifest[0] = split(spark, work.resolve("lake"), Optional.empty(), inside));
        double keelInside = inside[0];
        SplitManifest[] stratified = new SplitManifest[1];
        double keelStratified = BenchRuns.seconds(() -> stratified[0] = split(spark, work.resolve("lake"), Optional.of("label"), inside));
        SplitManifest stratifiedManifest = stratified[0];
        if (manifest[0].statistics().total() != rows || stratifiedManifest.statistics().total() != rows) {
            throw new IllegalStateException("keel's split holds " + manifest[0].statistics().total() + " rows, not " + rows);
        }
        System.out.printf("rows per split: keel %s, stratified %s%n", manifest[0].statistics().rows(),
                stratifiedManifest.statistics().rows());
        System.out.printf(Locale.ROOT, "split       keel %.1f s (%,.0f rows/s)  randomSplit + write %.1f s  ratio %.2f (goal <= 1.10)%n",
                keel, rows / keel, baseline, keel / baseline);
        System.out.printf(Locale.ROOT, "            of which %.1f s inside the run (assignment, write, statistics, manifest); the rest is the "
                + "run's fixed bookkeeping (run row, audit events); ratio without it %.2f%n", keelInside, keelInside / baseline);
        System.out.printf(Locale.ROOT, "stratified  keel %.1f s  randomSplit + write %.1f s  ratio %.2f (exact per-label shares; "
                + "randomSplit has none)%n", keelStratified, baseline, keelStratified / baseline);
        spark.stop();
    }

    private static void generate(SparkSession spark, long rows, Path lake) {
        Dataset<Row> data = spark.range(0, rows, 1, 8).select(
                expr("concat('r', id)").as("id"),
                expr("concat('u', CAST(id DIV 4 AS STRING))").as("user"),
                expr("CAST(pmod(xxhash64(id, 5), 10) AS INT)").as("label"),
                expr("rand(1)").as("f0"), expr("rand(2)").as("f1"), expr("rand(3)").as("f2"), expr("rand(4)").as("f3"),
                expr("rand(5)").as("f4"), expr("rand(6)").as("f5"), expr("rand(7)").as("f6"), expr("rand(8)").as("f7"));
        data.write().format("delta").save(new LakeLayout(lake.toString()).dataset(DATASET));
    }

    /** Splits the dataset as a keel run; {@code inside[0]} gets the seconds spent inside the run, without its bookkeeping. */
    private static SplitManifest split(SparkSession spark, Path lake, Optional<String> stratify, double[] inside) {
        SplitRequest request = new SplitRequest(DATASET, Optional.empty(), SplitFractions.parse("train=0.8,val=0.1,test=0.1"), 42,
                List.of("id"), Optional.empty(), stratify);
        return BenchRuns.run(spark, lake, "split", run -> {
            SplitManifest[] manifest = new SplitManifest[1];
            inside[0] = BenchRuns.seconds(() -> manifest[0] = new SplitJob(run).split(request).manifest());
            return manifest[0];
        });
    }

    /** Spark's own way: randomSplit, then the three parts written as one Delta table partitioned by split. */
    private static void baseline(SparkSession spark, Path lake, Path out) {
        Dataset<Row> source = spark.read().format("delta").load(new LakeLayout(lake.toString()).dataset(DATASET));
        Dataset<Row>[] parts = source.randomSplit(WEIGHTS, 42);
        Dataset<Row> labelled = parts[0].withColumn("split", lit(NAMES.get(0)));
        for (int i = 1; i < parts.length; i++) {
            labelled = labelled.unionByName(parts[i].withColumn("split", lit(NAMES.get(i))));
        }
        labelled.write().format("delta").partitionBy("split").save(out.toString());
    }
}
