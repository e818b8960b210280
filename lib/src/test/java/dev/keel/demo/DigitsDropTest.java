package dev.keel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.ingest.IngestJob;
import dev.keel.ingest.IngestMode;
import dev.keel.ingest.IngestRequest;
import dev.keel.ingest.IngestResult;
import dev.keel.lake.DeltaStore;
import dev.keel.quality.ContractParser;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;

/** The shipped digits drop, ingested with the shipped contract, quarantines exactly what was injected. */
@ExtendWith(SharedSpark.class)
class DigitsDropTest {
    @TempDir
    Path dir;

    @Test
    void everyInjectedFaultIsQuarantinedWithItsReasonAndNothingElseIs(SparkSession spark) throws IOException {
        String drop = dir.resolve("raw").toString();
        DropManifest manifest = DigitsDrop.shipped().write(spark.sparkContext().hadoopConfiguration(), drop);
        assertEquals(1797 + 30, manifest.lines());
        Map<String, Long> mtimes = new HashMap<>();
        for (String f : manifest.files()) {
            mtimes.put(f, Files.getLastModifiedTime(Path.of(drop, f)).toMillis());
        }

        TestRuns runs = new TestRuns(spark, dir.resolve("lake"));
        IngestResult result = runs.run("ingest", run -> new IngestJob(run).ingest(new IngestRequest(
                ContractParser.parse(Path.of("..", "conf", "contracts", "digits.yaml")), List.of(drop), IngestMode.APPEND)));

        assertEquals(manifest.lines(), result.rowsRead());
        assertEquals(manifest.expectedQuarantined(), result.rowsQuarantined());
        assertEquals(manifest.expectedDuplicates(), result.rowsDuplicate());
        assertEquals(manifest.expectedClean(), result.rowsClean());
        assertTrue(manifest.expectedQuarantined() > 80, "every kind of dirt is there");

        Map<String, TreeSet<String>> expected = new TreeMap<>();
        manifest.faults().stream().filter(f -> !f.reasons().isEmpty())
                .forEach(f -> expected.put(f.imageId() + "@" + f.file(), new TreeSet<>(f.reasons())));
        Map<String, TreeSet<String>> actual = new TreeMap<>();
        for (Row r : new DeltaStore(spark).read(result.quarantine().orElseThrow()).collectAsList()) {
            String rawLine = r.getString(r.fieldIndex("raw_line"));
            String firstField = rawLine != null ? rawLine.split(",")[0] : r.<String, String>getJavaMap(r.fieldIndex("values")).get("image_id");
            String file = r.getString(r.fieldIndex("source_file"));
            actual.put(String.format("d%05d", Integer.parseInt(firstField.replaceAll("[^0-9]", ""))) + "@"
                    + file.substring(file.lastIndexOf('/') + 1), new TreeSet<>(r.<String>getList(r.fieldIndex("violations"))));
        }
        assertEquals(expected, actual);

        Map<String, Row> clean = new TreeMap<>();
        new DeltaStore(spark).read(result.version().orElseThrow()).collectAsList().forEach(r -> clean.put(r.getString(0), r));
        manifest.faults().stream().filter(f -> f.fault() == Fault.RESCAN).forEach(f -> assertTrue(
                clean.get(f.imageId()).getString(clean.get(f.imageId()).fieldIndex("_source_file")).endsWith(DigitsDrop.RESCANS),
                "the later rescan of " + f.imageId() + " replaces the original"));
        assertEquals(new TreeSet<>(List.of("field-a", "field-b", "lab-north", "lab-south", "unknown", "zurich-sud", "zürich-süd")),
                new TreeSet<>(clean.values().stream().map(r -> r.getString(2)).toList()), "station spellings are cleaned");

        DigitsDrop.shipped().write(spark.sparkContext().hadoopConfiguration(), drop);
        for (String f : manifest.files()) {
            assertEquals(mtimes.get(f), Files.getLastModifiedTime(Path.of(drop, f)).toMillis(), f + " is not rewritten");
        }
        IngestResult again = runs.run("ingest", run -> new IngestJob(run).ingest(new IngestRequest(
                ContractParser.parse(Path.of("..", "conf", "contracts", "digits.yaml")), List.of(drop), IngestMode.APPEND)));
        assertTrue(again.unchanged(), "a second identical run adds no version");
    }
}
