package dev.keel.bench;

import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;

import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;
import dev.keel.lake.Commit;
import dev.keel.lake.DeltaStore;
import dev.keel.lake.LakeLayout;
import dev.keel.quality.Contract;
import dev.keel.quality.ContractParser;
import dev.keel.split.SplitFractions;
import dev.keel.split.SplitJob;
import dev.keel.split.SplitManifest;
import dev.keel.split.SplitReader;
import dev.keel.split.SplitRequest;
import dev.keel.split.SplitVerification;

/**
 * {@code scripts/bench nightly}: a history of N rows ingested and split (stratified by label),
 * then one night with 1% new rows (ingest append and split, each a keel run with its bookkeeping),
 * timed on that history and, in the same JVM and session, the same night's file on a lake with no
 * history. Prints the ratio, how the night's split was written, the split table's bytes against
 * the dataset's, and the night's split verified against Delta.
 */
public final class NightlyBenchmark {
    private static final String CONTRACT = """
            dataset: bench
            format: csv
            csv: { header: true }
            columns:
              - { name: id, type: string, nullable: false }
              - { name: sensor, type: string }
              - { name: reading, type: double }
              - { name: label, type: int, nullable: false }
            rules:
              - { name: reading_range, column: reading, range: { min: 0, max: 1000 } }
            primary_key: [id]
            """;
    private static final SplitRequest SPLIT = new SplitRequest("bench", Optional.empty(),
            SplitFractions.parse("train=0.8,val=0.1,test=0.1"), 42, List.of(), Optional.empty(), Optional.of("label"));

    private NightlyBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        long night = Math.max(1, rows / 100);
        Path work = BenchRuns.emptyDirectory(args.length > 1 ? args[1] : ".keel/bench/nightly");
        SparkSession spark = BenchRuns.spark("keel-bench-nightly");
        Path contractFile = Files.writeString(work.resolve("bench.yaml"), CONTRACT);
        Contract contract = ContractParser.parse(contractFile);
        System.out.printf("keel nightly benchmark: a history of %,d rows, a night of %,d, Spark %s local[%d], %s%n", rows, night,
                spark.version(), spark.sparkContext().defaultParallelism(), work);
        double generate = BenchRuns.seconds(() -> {
            csv(spark, 0, 20_000, work.resolve("raw/warmup-history"));
            csv(spark, 20_000, 20_200, work.resolve("raw/warmup-night"));
            csv(spark, 0, rows, work.resolve("raw/history"));
            csv(spark, rows, rows + night, work.resolve("raw/night"));
        });
        System.out.printf(Locale.ROOT, "generated the files in %.1f s%n", generate);

        Path warmup = work.resolve("warmup");
        ingest(spark, warmup, contract, work.resolve("raw/warmup-history"));
        split(spark, warmup);
        ingest(spark, warmup, contract, work.resolve("raw/warmup-night"));
        split(spark, warmup);

        Path big = work.resolve("big");
        double history = BenchRuns.seconds(() -> ingest(spark, big, contract, work.resolve("raw/history")));
        double firstSplit = BenchRuns.seconds(() -> split(spark, big));
        System.out.printf(Locale.ROOT, "history: ingest %.1f s, split %.1f s%n", history, firstSplit);

        double[] bigParts = new double[2];
        SplitManifest[] grown = new SplitManifest[1];
        bigParts[0] = BenchRuns.seconds(() -> ingest(spark, big, contract, work.resolve("raw/night")));
        bigParts[1] = BenchRuns.seconds(() -> grown[0] = split(spark, big));
        Path empty = work.resolve("empty");
        double[] emptyParts = new double[2];
        emptyParts[0] = BenchRuns.seconds(() -> ingest(spark, empty, contract, work.resolve("raw/night")));
        emptyParts[1] = BenchRuns.seconds(() -> split(spark, empty));

        DeltaStore store = new DeltaStore(spark);
        LakeLayout layout = new LakeLayout(big.toString());
        Commit written = store.commit(grown[0].table()).orElseThrow();
        SplitVerification verified = new SplitReader(store, layout).verify(grown[0]);
        long splitBytes = bytes(Path.of(layout.splits("bench")));
        long datasetBytes = bytes(Path.of(layout.dataset("bench")));
        double bigNight = bigParts[0] + bigParts[1];
        double emptyNight = emptyParts[0] + emptyParts[1];
        System.out.printf(Locale.ROOT, "night on the history  %.1f s (ingest %.1f s, split %.1f s)%n", bigNight, bigParts[0], bigParts[1]);
        System.out.printf(Locale.ROOT, "night on no history   %.1f s (ingest %.1f s, split %.1f s)%n", emptyNight, emptyParts[0],
                emptyParts[1]);
        System.out.printf(Locale.ROOT, "ratio %.2f (goal <= 1.50)%n", bigNight / emptyNight);
        System.out.printf(Locale.ROOT, "the night's split was written as %s %s of %s row(s); verified against Delta: %s%n",
                written.operation(), written.parameters().get("mode"), written.metrics().get("numOutputRows"),
                verified.intact() ? "intact" : verified.problems());
        System.out.printf(Locale.ROOT, "split table %,d bytes on disk, dataset %,d bytes: ratio %.3f (goal <= 1.05)%n", splitBytes,
                datasetBytes, (double) splitBytes / datasetBytes);
        spark.stop();
    }

    private static void csv(SparkSession spark, long from, long to, Path dir) {
        spark.range(from, to, 1, (int) Math.max(1, Math.min(16, (to - from) / 500_000))).select(
                expr("concat('r', lpad(CAST(id AS STRING), 12, '0'))").as("id"),
                expr("concat('s', CAST(pmod(id, 97) AS STRING))").as("sensor"),
                expr("round(rand(7) * 1000, 3)").as("reading"),
                expr("CAST(pmod(xxhash64(id, 5), 10) AS INT)").as("label"))
                .write().option("header", "true").csv(dir.toString());
    }

    private static IngestResult ingest(SparkSession spark, Path lake, Contract contract, Path source) {
        return BenchRuns.run(spark, lake, "ingest", run -> new IngestJob(run).ingest(new IngestRequest(contract,
                List.of(source.toString()), IngestMode.APPEND)));
    }

    private static SplitManifest split(SparkSession spark, Path lake) {
        return BenchRuns.run(spark, lake, "split", run -> new SplitJob(run).split(SPLIT).manifest());
    }

    /** Bytes of every file under {@code dir}, every version's data and the log. */
    private static long bytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
