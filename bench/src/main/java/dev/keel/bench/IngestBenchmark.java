package dev.keel.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;

import java.util.List;
import java.util.Locale;

import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckStatus;

import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;

import dev.keel.quality.BatchProfile;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;

import scala.Option;
import scala.collection.immutable.Seq$;

/**
 * {@code scripts/bench ingest}: generates dirty CSV (malformed lines, null tokens, bad types,
 * out-of-range values, disallowed values, duplicates with later timestamps), then measures in the
 * same JVM and Spark session:
 * <ol>
 *   <li>keel's ingest against a minimal hand-written Spark job doing the same reads, cleaning,
 *       casts, rule filters, de-duplication and the two Delta writes (clean and quarantine);</li>
 *   <li>keel's dataset checks and column metrics against Deequ's VerificationSuite running the
 *       same checks and metrics on the same clean table.</li>
 * </ol>
 * Each side runs once on a small warm-up drop first, so JIT and Spark code generation are warm.
 */
public final class IngestBenchmark {
    static final String CONTRACT = """
            dataset: bench
            format: csv
            csv: { header: false }
            columns:
              - { name: id, type: string, nullable: false }
              - { name: sensor, type: string }
              - { name: taken_at, type: timestamp, format: "yyyy-MM-dd HH:mm" }
              - { name: count, type: int }
              - { name: weight, type: double }
              - { name: status, type: string }
            cleaning:
              null_tokens: ["", "NA", "NULL", "NaN"]
              columns:
                sensor: { case: upper, default: UNKNOWN }
                status: { case: lower }
                weight: { unit: { from: g, to: kg } }
            rules:
              - { name: count_range, column: count, range: { min: 0, max: 100 } }
              - { name: status_allowed, column: status, allowed: [ok, warn, fail] }
              - { name: id_format, column: id, regex: "^r[0-9]+$" }
              - { name: light_enough, sql: "weight < 1000" }
            primary_key: [id]
            dedup: { keep: latest, order_by: taken_at }
            dataset_rules:
              min_rows: 1000
              completeness: { sensor: 0.9, weight: 0.5 }
              unique: [[id]]
              max_quarantine_ratio: 0.2
              checks:
                - { name: mean_weight, condition: "avg(weight) < 500" }
            """;

    private static final List<String> COLUMNS = List.of("id", "sensor", "taken_at", "count", "weight", "status");

    private IngestBenchmark() {
    }

    public static void main(String[] args) {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path work = BenchRuns.emptyDirectory(args.length > 1 ? args[1] : ".keel/bench/ingest");
        SparkSession spark = BenchRuns.spark("keel-bench-ingest");
        Contract contract = ContractParser.parse("bench.yaml", CONTRACT);
        int cores = spark.sparkContext().defaultParallelism();

        System.out.printf("keel ingest benchmark: %,d rows, Spark %s local[%d], %s%n", rows, spark.version(), cores, work);
        double generate = BenchRuns.seconds(() -> generate(spark, 200_000, work.resolve("warmup-raw")));
        generate += BenchRuns.seconds(() -> generate(spark, rows, work.resolve("raw")));
        System.out.printf("generated dirty CSV in %.1f s%n", generate);

        ingest(spark, contract, work.resolve("warmup-raw"), work.resolve("warmup-keel"));
        baseline(spark, work.resolve("warmup-raw"), work.resolve("warmup-baseline"));

        long[] baselineClean = new long[1];
        double baselineSeconds = BenchRuns.seconds(() -> baselineClean[0] = baseline(spark, work.resolve("raw"), work.resolve("baseline")));
        IngestResult[] keel = new IngestResult[1];
        double keelSeconds = BenchRuns.seconds(() -> keel[0] = ingest(spark, contract, work.resolve("raw"), work.resolve("keel")));
        IngestResult r = keel[0];
        if (r.rowsClean() != baselineClean[0]) {
            throw new IllegalStateException("keel kept " + r.rowsClean() + " clean rows but the baseline " + baselineClean[0]
                    + ": they did not do the same work");
        }
        System.out.printf("rows read %,d: clean %,d, quarantined %,d, duplicates %,d (baseline clean %,d)%n", r.rowsRead(),
                r.rowsClean(), r.rowsQuarantined(), r.rowsDuplicate(), baselineClean[0]);
        System.out.printf(Locale.ROOT, "ingest   keel %.1f s (%,.0f rows/s)  hand-written Spark %.1f s  ratio %.2f (goal <= 1.10)%n",
                keelSeconds, r.rowsRead() / keelSeconds, baselineSeconds, keelSeconds / baselineSeconds);

        Dataset<Row> clean = spark.read().format("delta").load(work.resolve("keel").resolve("datasets/bench").toString())
                .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
        BatchProfile.of(contract, clean, r.rowsRead(), r.rowsQuarantined(), Optional.empty());
        deequ(spark, clean);
        BatchProfile[] profile = new BatchProfile[1];
        double keelChecks = BenchRuns.seconds(() -> profile[0] = BatchProfile.of(contract, clean, r.rowsRead(), r.rowsQuarantined(), Optional.empty()));
        VerificationResult[] verification = new VerificationResult[1];
        double deequChecks = BenchRuns.seconds(() -> verification[0] = deequ(spark, clean));
        boolean deequPassed = verification[0].status() == CheckStatus.Success();
        if (deequPassed != profile[0].passed()) {
            throw new IllegalStateException("keel's checks " + (profile[0].passed() ? "passed" : "failed") + " but Deequ's "
                    + verification[0].status() + ": they did not check the same things");
        }
        System.out.printf(Locale.ROOT, "checks   keel %.1f s  Deequ VerificationSuite %.1f s  ratio %.2f (goal <= 1.0); "
                + "both %s%n", keelChecks, deequChecks, keelChecks / deequChecks, deequPassed ? "passed" : "failed");
        spark.stop();
    }

    /** Dirty CSV lines: about 0.1% of each fault kind, 2% duplicate keys with a later timestamp. */
    private static void generate(SparkSession spark, long rows, Path out) {
        long unique = rows - rows / 50;
        String line = """
                CASE WHEN id % 1000 = 7 THEN concat('r', id, ',s1,2024-01-01 10:00')
                     WHEN id % 1000 = 8 THEN concat('"r', id, ',s1,2024-01-01 10:00,1,2,ok')
                ELSE concat_ws(',',
                    CASE WHEN id % 1000 = 13 THEN 'NA' WHEN id % 1000 = 17 THEN concat('x', id) ELSE concat('r', id % UNIQUE) END,
                    CASE WHEN id % 50 = 3 THEN '' ELSE concat(' s', id % 37, ' ') END,
                    CASE WHEN id % 1000 = 21 THEN 'yesterday' ELSE date_format(timestamp_seconds(1704067200 + id * 60), 'yyyy-MM-dd HH:mm') END,
                    CASE WHEN id % 1000 = 31 THEN 'abc' WHEN id % 1000 = 41 THEN '500' WHEN id % 100 = 5 THEN 'NA'
                         ELSE CAST(id % 100 AS STRING) END,
                    CASE WHEN id % 1000 = 61 THEN '2000000' WHEN id % 200 = 9 THEN 'NULL' ELSE CAST(round((id % 997) * 1.5, 1) AS STRING) END,
                    CASE WHEN id % 1000 = 51 THEN 'BAD' WHEN id % 3 = 0 THEN 'OK' WHEN id % 3 = 1 THEN 'warn' ELSE 'ok' END)
                END""".replace("UNIQUE", Long.toString(unique));
        spark.range(0, rows, 1, 8).select(expr(line).as("value")).write().text(out.toString());
    }

    private static IngestResult ingest(SparkSession spark, Contract contract, Path raw, Path lake) {
        return BenchRuns.run(spark, lake, "ingest", run -> new IngestJob(run).ingest(
                new IngestRequest(contract, List.of(raw.toString()), IngestMode.APPEND)));
    }

    /** What a data engineer would write by hand for the same contract; returns the clean rows written. */
    private static long baseline(SparkSession spark, Path raw, Path lake) {
        StructType schema = new StructType();
        for (String c : COLUMNS) {
            schema = schema.add(c, DataTypes.StringType);
        }
        schema = schema.add("_corrupt", DataTypes.StringType);
        Dataset<Row> read = spark.read().schema(schema).option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt")
                .option("header", "false").csv(raw.toString());
        String nulls = "IN ('', 'NA', 'NULL', 'NaN')";
        Dataset<Row> typed = read.select(
                col("_corrupt"),
                expr("CASE WHEN trim(id) " + nulls + " THEN NULL ELSE trim(id) END").as("id"),
                expr("coalesce(upper(CASE WHEN trim(sensor) " + nulls + " THEN NULL ELSE trim(sensor) END), 'UNKNOWN')").as("sensor"),
                expr("try_to_timestamp(CASE WHEN trim(taken_at) " + nulls + " THEN NULL ELSE trim(taken_at) END, 'yyyy-MM-dd HH:mm')")
                        .as("taken_at"),
                expr("try_cast(CASE WHEN trim(count) " + nulls + " THEN NULL ELSE trim(count) END AS INT)").as("count"),
                expr("try_cast(CASE WHEN trim(weight) " + nulls + " THEN NULL ELSE trim(weight) END AS DOUBLE) * 0.001").as("weight"),
                expr("lower(CASE WHEN trim(status) " + nulls + " THEN NULL ELSE trim(status) END)").as("status"),
                col("taken_at").as("raw_taken_at"), col("count").as("raw_count"), col("weight").as("raw_weight"));
        Column problems = array_compact(array(
                when(col("_corrupt").isNotNull(), lit("malformed")),
                when(col("id").isNull(), lit("not_null:id")),
                when(col("taken_at").isNull().and(expr("trim(raw_taken_at) NOT " + nulls)), lit("type:taken_at")),
                when(col("count").isNull().and(expr("trim(raw_count) NOT " + nulls)), lit("type:count")),
                when(col("weight").isNull().and(expr("trim(raw_weight) NOT " + nulls)), lit("type:weight")),
                when(col("count").lt(0).or(col("count").gt(100)), lit("count_range:count")),
                when(col("status").isin("ok", "warn", "fail").unary_$bang(), lit("status_allowed:status")),
                when(col("id").rlike("^r[0-9]+$").unary_$bang(), lit("id_format:id")),
                when(expr("weight < 1000").unary_$bang(), lit("light_enough"))));
        Dataset<Row> checked = typed.withColumn("problems", problems).cache();
        checked.filter(size(col("problems")).gt(0)).write().format("delta").save(lake.resolve("quarantine").toString());
        Dataset<Row> clean = checked.filter(size(col("problems")).equalTo(0))
                .withColumn("rank", row_number().over(Window.partitionBy("id").orderBy(col("taken_at").desc())))
                .filter(col("rank").equalTo(1)).select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
        clean.write().format("delta").save(lake.resolve("clean").toString());
        checked.unpersist();
        return spark.read().format("delta").load(lake.resolve("clean").toString()).count();
    }

    /** The same dataset checks and column metrics as the contract's, as a Deequ verification. */
    private static VerificationResult deequ(SparkSession spark, Dataset<Row> clean) {
        Check check = new Check(CheckLevel.Error(), "bench contract", Seq$.MODULE$.<com.amazon.deequ.constraints.Constraint>empty())
                .hasSize(n -> (Long) n >= 1000, Option.empty())
                .hasCompleteness("sensor", c -> (Double) c >= 0.9, Option.empty(), Option.empty())
                .hasCompleteness("weight", c -> (Double) c >= 0.5, Option.empty(), Option.empty())
                .isUnique("id", Option.empty(), Option.empty())
                .hasMean("weight", m -> (Double) m < 500, Option.empty());
        for (String c : COLUMNS) {
            check = check.hasCompleteness(c, x -> true, Option.empty(), Option.empty())
                    .hasApproxCountDistinct(c, x -> true, Option.empty());
        }
        for (String c : List.of("count", "weight")) {
            check = check.hasMin(c, x -> true, Option.empty(), Option.empty()).hasMax(c, x -> true, Option.empty(), Option.empty())
                    .hasMean(c, x -> true, Option.empty());
        }
        return new VerificationSuite().onData(clean).addCheck(check).run();
    }
}
