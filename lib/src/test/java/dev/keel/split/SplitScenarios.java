package dev.keel.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.keel.lake.DeltaStore;
import dev.keel.lake.WriteOptions;
import dev.keel.testing.TestRuns;

/** The dataset and the split specs shared by the split tests and their child JVM. */
final class SplitScenarios {
    static final String DATASET = "visits";
    static final SplitFractions FRACTIONS = SplitFractions.parse("train=0.8,val=0.1,test=0.1");

    /** Plain hashing by key, stratified by label, and grouped by user and stratified. */
    static final List<SplitRequest> REQUESTS = List.of(
            request(List.of("id"), Optional.empty(), Optional.empty()),
            request(List.of("id"), Optional.empty(), Optional.of("label")),
            request(List.of("id"), Optional.of("user"), Optional.of("label")));

    private SplitScenarios() {
    }

    static SplitRequest request(List<String> keys, Optional<String> group, Optional<String> stratify) {
        return new SplitRequest(DATASET, Optional.empty(), FRACTIONS, 7, keys, group, stratify);
    }

    /**
     * Rows {@code from} until {@code to}: id, a user (groups of 1 to 7 rows), an unevenly
     * distributed label (0 is most common) and a value.
     */
    static Dataset<Row> visits(SparkSession spark, long from, long to) {
        return spark.range(from, to).select(
                expr("concat('v', id)").as("id"),
                expr("concat('u', CAST(floor(id / (1 + id % 7)) AS STRING))").as("user"),
                expr("CAST(least(floor(abs(sin(id)) * 12), 9) AS STRING)").as("label"),
                expr("id * 0.5").as("x"));
    }

    /** Writes {@code rows} as a new version of the dataset, appended or overwriting. */
    static void write(TestRuns runs, Dataset<Row> rows, boolean append) {
        DeltaStore store = runs.env().store();
        String table = runs.env().layout().dataset(DATASET);
        WriteOptions options = WriteOptions.forRun("20261123-000000-00000000");
        if (append) {
            store.append(table, rows, options);
        } else {
            store.overwrite(table, rows, options);
        }
    }

    /** Every request split in turn; the manifests, in order. */
    static List<SplitManifest> splitAll(TestRuns runs) {
        return REQUESTS.stream().map(r -> runs.run("split", run -> new SplitJob(run).split(r)).manifest()).toList();
    }

    static Dataset<Row> shuffled(Dataset<Row> rows, int partitions) {
        return rows.repartition(partitions).orderBy(expr("xxhash64(id, 99)")).select(col("id"), col("user"), col("label"), col("x"));
    }
}
