package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keel.testing.SharedSpark;

/** {@code keel ingest}, {@code keel data} and {@code keel split}: summaries, JSON, exit codes and one-line errors on bad input. */
@ExtendWith(SharedSpark.class)
class DataCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTRACT = """
            dataset: plants
            format: csv
            columns:
              - { name: id, type: string, nullable: false }
              - { name: height, type: double }
            rules:
              - { name: positive, column: height, range: { min: 0 } }
            primary_key: [id]
            dataset_rules:
              min_rows: 2
            """;

    @TempDir
    Path home;

    private CliHarness keel;
    private Path raw;

    @BeforeEach
    void harness(SparkSession spark) throws IOException {
        keel = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", home.resolve("lakehouse").toString());
        Files.createDirectories(home.resolve("contracts"));
        Files.writeString(home.resolve("contracts/plants.yaml"), CONTRACT);
        raw = Files.createDirectories(home.resolve("raw"));
    }

    private CliHarness.Result ingest(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("ingest", "--dataset", "plants", "--contract",
                home.resolve("contracts/plants.yaml").toString(), "--source", raw.toString()));
        args.addAll(List.of(extra));
        return keel.run(args.toArray(String[]::new));
    }

    private static void assertOneLineError(CliHarness.Result r, int exit, String expectedStart) {
        assertEquals(exit, r.exit(), r::toString);
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("[keel]")).toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith(expectedStart), r::toString);
        assertFalse(r.err().contains("\tat "), "no stack trace without -v");
    }

    @Test
    void ingestPrintsASummaryThenHistoryShowsAndDiffsTheVersions() throws IOException {
        Files.writeString(raw.resolve("a.csv"), "id,height\np1,1.5\np2,-3\np3,2.5\n");
        CliHarness.Result first = ingest();
        assertEquals(0, first.exit(), first::toString);
        assertTrue(first.out().contains("  rows read             3"), first.out());
        assertTrue(first.out().contains("  quarantined           1"), first.out());
        assertTrue(first.out().contains("  positive:height                         1"), first.out());
        assertTrue(first.err().contains("[keel] quarantining 1 row(s)"), first.err());

        CliHarness.Result again = ingest("--json");
        assertEquals(0, again.exit(), again::toString);
        assertTrue(JSON.readTree(again.out()).get("unchanged").asBoolean(), again.out());

        Files.writeString(raw.resolve("b.csv"), "id,height\np4,4.0\np5,5.0\n");
        assertEquals(0, ingest().exit());

        CliHarness.Result history = keel.run("data", "history", "plants");
        assertEquals(0, history.exit(), history::toString);
        List<String> rows = history.out().lines().skip(1).toList();
        assertEquals(2, rows.size(), history.out());
        assertTrue(rows.get(0).startsWith("1 ") && rows.get(0).contains("WRITE (append)"), history.out());

        CliHarness.Result show = keel.run("data", "show", "plants", "--version", "0", "--json");
        JsonNode shown = JSON.readTree(show.out());
        assertEquals(0, shown.get("version").asLong());
        assertEquals(2, shown.get("rows").size(), show.out());

        CliHarness.Result diff = keel.run("data", "diff", "plants", "--from", "0", "--to", "1");
        assertEquals(0, diff.exit(), diff::toString);
        assertTrue(diff.out().contains("rows        2 -> 4 (+2)"), diff.out());
        assertTrue(diff.out().contains("added       2 row(s) only in v1"), diff.out());

        CliHarness.Result drift = keel.run("data", "drift", "plants", "--from", "0", "--to", "1", "--fail-on-drift");
        assertEquals(3, drift.exit(), drift::toString);
        assertTrue(drift.out().contains("DRIFT"), drift.out());

        CliHarness.Result restore = keel.run("data", "restore", "plants", "--version", "0");
        assertEquals(0, restore.exit(), restore::toString);
        assertTrue(restore.out().startsWith("Restored plants to version 0 as new version 2"), restore.out());
    }

    @Test
    void badInputEndsInOneLineWithTheDocumentedExitCode() throws IOException {
        Files.writeString(home.resolve("contracts/broken.yaml"), "dataset: plants\nformat: csv\ncolumns:\n  - { name: id, type: strng }\n");
        CliHarness.Result broken = keel.run("ingest", "--dataset", "plants", "--contract",
                home.resolve("contracts/broken.yaml").toString(), "--source", raw.toString());
        assertOneLineError(broken, 2, "keel: Contract " + home.resolve("contracts/broken.yaml") + ":4: columns[0].type: unknown type 'strng'");

        assertOneLineError(ingest("--mode", "upsert"), 2, "keel: Invalid --mode 'upsert': expected append, overwrite or merge");
        assertOneLineError(ingest("--mode", "restore"), 2, "keel: Invalid --mode 'restore'");
        assertOneLineError(ingest(), 2, "keel: Source '" + raw + "' matches no files");

        Files.writeString(raw.resolve("a.csv"), "id,height\np1,1.5\n");
        assertOneLineError(ingest(), 3, "keel: Ingest of plants rejected, no new version written: min_rows is 1, needs >= 2");

        assertOneLineError(keel.run("data", "history", "plants"), 2, "keel: Dataset 'plants' has no table at ");
        Files.writeString(raw.resolve("b.csv"), "id,height\np2,2.5\n");
        assertEquals(0, ingest().exit());
        assertOneLineError(keel.run("data", "show", "plants", "--as-of", "yesterday"), 2, "keel: Invalid --as-of 'yesterday'");
        assertOneLineError(keel.run("data", "show", "plants", "--version", "9"), 2, "keel: Dataset 'plants' has no version 9");
        assertOneLineError(keel.run("data", "restore", "plants", "--version", "0"), 2,
                "keel: Version 0 is already the latest version of plants: nothing to restore");
    }

    @Test
    void splitThenShowAndVerifyItAndRefuseBadRequests() throws IOException {
        StringBuilder rows = new StringBuilder("id,height\n");
        for (int i = 0; i < 60; i++) {
            rows.append("p").append(i).append(',').append(i % 9).append(".5\n");
        }
        Files.writeString(raw.resolve("a.csv"), rows);
        assertEquals(0, ingest().exit());

        CliHarness.Result split = keel.run("split", "--dataset", "plants", "--seed", "11", "--fractions", "train=0.5,test=0.5");
        assertEquals(0, split.exit(), split::toString);
        assertTrue(split.out().startsWith("Split " + home.resolve("lakehouse/datasets/plants") + "@v0 into "), split.out());
        assertTrue(split.out().contains("key id"), "the contract's primary key is the default key: " + split.out());
        assertTrue(split.out().contains("leaks       0 key(s) in more than one split"), split.out());

        CliHarness.Result again = keel.run("split", "--dataset", "plants", "--seed", "11", "--fractions", "train=0.5,test=0.5", "--json");
        JsonNode result = JSON.readTree(again.out());
        assertTrue(result.get("unchanged").asBoolean(), again.out());
        JsonNode counts = result.get("manifest").get("statistics").get("rows");
        assertEquals(60, counts.get("train").asLong() + counts.get("test").asLong(), again.out());

        CliHarness.Result show = keel.run("split", "show", "plants");
        assertEquals(0, show.exit(), show::toString);
        assertTrue(show.out().contains("spec        train=0.5,test=0.5, seed 11, key id"), show.out());
        CliHarness.Result verify = keel.run("split", "verify", "plants", "--version", "0");
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.out().startsWith("Verified "), verify.out());

        assertOneLineError(keel.run("split", "--dataset", "plants"), 2, "keel: Missing --seed S: keel split needs --dataset and --seed");
        assertOneLineError(keel.run("split", "--dataset", "plants", "--seed", "1", "--fractions", "train=0.9,test=0.2"), 2,
                "keel: Invalid --fractions 'train=0.9,test=0.2': the fractions sum to 1.1, not 1");
        assertOneLineError(keel.run("split", "--dataset", "plants", "--seed", "1", "--stratify", "species"), 2,
                "keel: Dataset 'plants' has no column 'species' (--stratify): its columns are id, height, _source_file, _ingest_run_id");
        assertOneLineError(keel.run("split", "show", "trees"), 2, "keel: Dataset 'trees' has no split table at ");
        assertOneLineError(keel.run("split", "verify", "plants", "--version", "5"), 2, "keel: Split table ");
    }

    @Test
    void trainRefusesABadSpecOrSplitBeforeSparkStarts() throws IOException {
        Path spec = home.resolve("bad-model.yaml");
        Files.writeString(spec, "model: m\ntask: classification\nlabel: y\nclasses: 3\nfeatures: [x]\n"
                + "network: { type: mlp, layers: [ { type: dense, units: 4, activation: rellu } ] }\n"
                + "training: { epochs: 1, batch_size: 2, seed: 1, learning_rate: 0.1 }\n");
        CliHarness.Result bad = keel.run("train", "--spec", spec.toString(), "--split", "plants@0");
        assertOneLineError(bad, 2, "keel: Model spec " + spec + ":6: network.layers[0].activation: unknown activation 'rellu'");
        assertFalse(bad.err().contains("starting Spark"), bad.err());
        CliHarness.Result split = keel.run("train", "--spec", Path.of("..", "conf", "models", "digits-mlp.yaml").toString(),
                "--split", "digits");
        assertOneLineError(split, 2, "keel: Invalid --split 'digits': expected DATASET@VERSION, e.g. digits@0");
        assertFalse(split.err().contains("starting Spark"), split.err());

        String digits = Path.of("..", "conf", "models", "digits-mlp.yaml").toString();
        assertOneLineError(keel.run("train", "--spec", digits, "--split", "digits@0", "--workers", "0"), 2,
                "keel: Invalid --workers 0: give 1 to train in this JVM, or 2 or more to average parameters over Spark executors");
        assertOneLineError(keel.run("train", "--spec", digits, "--split", "digits@0", "--workers", "2", "--averaging-frequency", "0"), 2,
                "keel: Invalid --averaging-frequency 0: give the number of minibatches each worker fits between averagings");
        Path inner = home.resolve("inner.yaml");
        Files.writeString(inner, Files.readString(Path.of(digits)).replace("  l2: 0.0001", "  l2: 0.0001\n  checkpoint_every_iterations: 5"));
        CliHarness.Result averaged = keel.run("train", "--spec", inner.toString(), "--split", "digits@0", "--workers", "2");
        assertOneLineError(averaged, 2, "keel: Model spec " + inner + " sets training.checkpoint_every_iterations, which only --workers 1 "
                + "honours");
        assertFalse(averaged.err().contains("starting Spark"), averaged.err());
    }
}
