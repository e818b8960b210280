package dev.keel.split;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.lake.Commit;
import dev.keel.lake.DeltaStore;
import dev.keel.quality.ContractParser;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/**
 * A split table grown night by night: a dataset that only gained ingested rows gets a split
 * version that appends just their assignments, whose manifest (the previous one plus theirs)
 * agrees with a recomputation from Delta; any other change makes a whole version again.
 */
@ExtendWith(SharedSpark.class)
class IncrementalSplitTest {
    private static final String CONTRACT = """
            dataset: events
            format: csv
            columns:
              - { name: id, type: string, nullable: false }
              - { name: x, type: double }
              - { name: label, type: int, nullable: false }
            primary_key: [id]
            """;

    @TempDir
    Path dir;

    @Test
    void anAppendedNightAppendsOnlyItsRowsAndItsManifestAgreesWithDelta(SparkSession spark) throws IOException {
        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        DeltaStore store = runs.env().store();
        Path contract = Files.writeString(dir.resolve("events.yaml"), CONTRACT);
        SplitRequest stratified = request(Optional.of("label"));
        SplitRequest plain = request(Optional.empty());

        ingest(runs, contract, batch("a", 0, 300), IngestMode.APPEND);
        SplitManifest first = split(runs, stratified);
        ingest(runs, contract, batch("b", 300, 360), IngestMode.APPEND);
        ingest(runs, contract, batch("c", 360, 400), IngestMode.APPEND);

        SplitManifest next = split(runs, stratified);
        Commit stratifiedCommit = store.commit(next.table()).orElseThrow();
        assertEquals("Append", stratifiedCommit.parameters().get("mode"), "only the 100 new rows are written: " + stratifiedCommit);
        assertEquals("100", stratifiedCommit.metrics().get("numOutputRows"));
        assertEquals(Optional.of(first.table().version()), next.previous());
        assertEquals(Optional.of(0L), next.keysMoved());
        assertAgreesWithDelta(runs, next);
        Dataset<Row> all = store.read(next.table());
        assertEquals(400, all.count());
        Map<String, Map<String, Long>> labels = next.statistics().labels();
        for (String label : List.of("0", "1", "2")) {
            long n = all.filter(col("label").equalTo(Integer.parseInt(label))).count();
            long train = labels.get("train").getOrDefault(label, 0L);
            assertTrue(Math.abs(train - 0.8 * n) <= 1, "train holds its share of label " + label + ": " + train + " of " + n);
        }
        Dataset<Row> before = store.read(first.table()).select(col("id"), col("split").as("was"));
        assertEquals(0, all.join(before, "id").filter(col("split").notEqual(col("was"))).count(), "no earlier row moved");
        Set<String> earlierFiles = new HashSet<>(List.of(store.read(first.table()).inputFiles()));
        assertTrue(new HashSet<>(List.of(all.inputFiles())).containsAll(earlierFiles), "the earlier rows' files are kept, not copied");

        SplitManifest plainWhole = split(runs, plain);
        assertEquals("Overwrite", store.commit(plainWhole.table()).orElseThrow().parameters().get("mode"), "another spec: whole");
        ingest(runs, contract, batch("e", 400, 430), IngestMode.APPEND);
        SplitManifest plainGrown = split(runs, plain);
        Commit plainCommit = store.commit(plainGrown.table()).orElseThrow();
        assertEquals("Append", plainCommit.parameters().get("mode"), plainCommit::toString);
        assertEquals("30", plainCommit.metrics().get("numOutputRows"));
        assertAgreesWithDelta(runs, plainGrown);

        ingest(runs, contract, batch("d", 0, 50), IngestMode.OVERWRITE);
        SplitManifest rewritten = split(runs, plain);
        assertEquals("Overwrite", store.commit(rewritten.table()).orElseThrow().parameters().get("mode"),
                "an overwritten dataset is split whole again");
        assertEquals(50, rewritten.statistics().total());
        assertAgreesWithDelta(runs, rewritten);
    }

    private static void assertAgreesWithDelta(TestRuns runs, SplitManifest m) {
        SplitVerification v = new SplitReader(runs.env().store(), runs.env().layout()).verify(m);
        assertTrue(v.problems().isEmpty(), () -> "the manifest agrees with a recomputation from Delta: " + v.problems());
    }

    private SplitRequest request(Optional<String> stratify) {
        return new SplitRequest("events", Optional.empty(), SplitScenarios.FRACTIONS, 5, List.of(), Optional.empty(), stratify);
    }

    private static SplitManifest split(TestRuns runs, SplitRequest request) {
        return runs.run("split", r -> new SplitJob(r).split(request)).manifest();
    }

    private void ingest(TestRuns runs, Path contract, String csv, IngestMode mode) throws IOException {
        Path file = Files.writeString(dir.resolve("batch-" + System.nanoTime() + ".csv"), csv);
        runs.run("ingest", r -> new IngestJob(r).ingest(new IngestRequest(ContractParser.parse(contract), List.of(file.toString()),
                mode)));
    }

    private static String batch(String prefix, int from, int to) {
        StringBuilder csv = new StringBuilder("id,x,label\n");
        for (int i = from; i < to; i++) {
            csv.append(prefix).append(i).append(',').append(i * 0.25).append(',').append(i % 7 % 3).append('\n');
        }
        return csv.toString();
    }
}
