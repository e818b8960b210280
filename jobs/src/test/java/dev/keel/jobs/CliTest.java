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

import dev.keel.error.ExitCode;
import dev.keel.testing.SharedSpark;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;

/** The CLI's contract: help, versions, configuration display, exit codes and one-line errors. */
@ExtendWith(SharedSpark.class)
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private CliHarness keel;
    private String lake;

    @BeforeEach
    void harness(SparkSession spark) {
        lake = home.resolve("lakehouse").toString();
        keel = new CliHarness(spark, home).env("KEEL_LAKE_ROOT", lake);
    }

    private static void assertOneLineError(CliHarness.Result r, int exit, String expectedStart) {
        assertEquals(exit, r.exit(), r::toString);
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("[keel]")).toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith(expectedStart), r::toString);
        assertFalse(r.err().contains("\tat "), "no stack trace without -v");
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        CliHarness.Result r = keel.run("--help");
        assertEquals(0, r.exit());
        for (String command : List.of("doctor", "config", "audit", "demo")) {
            assertTrue(r.out().contains(command), r::toString);
        }
        assertTrue(r.out().contains("  5  " + ExitCode.EXTERNAL_UNAVAILABLE.meaning()), r.out());
        CliHarness.Result audit = keel.run("audit", "--help");
        assertEquals(0, audit.exit());
        assertTrue(audit.out().contains("anchor") && audit.out().contains("verify"), audit::toString);
    }

    @Test
    void versionNamesKeelItsCommitAndThePlatform() {
        CliHarness.Result r = keel.run("--version");
        assertEquals(0, r.exit());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("keel \\S+ \\(commit [0-9a-f]{12}(-dirty)?\\)"), lines.get(0));
        assertTrue(r.out().contains("Spark   3.5.7"), r.out());
        assertTrue(r.out().contains("Delta   3.3.3"), r.out());
        assertTrue(r.out().contains("DL4J    1.0.0-M2.1"), r.out());
    }

    @Test
    void usageMistakesEndInOneLineAndExit2() {
        assertOneLineError(keel.run("audit", "tail", "--bogus"), 2, "keel: Unknown option: '--bogus' (see 'keel audit tail --help')");
        assertOneLineError(keel.run("frobnicate"), 2, "keel: Unmatched argument at index 0: 'frobnicate'");
        assertOneLineError(keel.run(), 2, "keel: Missing subcommand: choose one of doctor, config, ingest, data, split, train, models, "
                + "evaluate, compare, gate, promote, rollback, score, reproduce, report, audit, slurm, usage, pipeline, notebook, demo");
        assertOneLineError(keel.run("audit"), 2, "keel: Missing subcommand: choose one of note, tail, verify, anchor");
        assertOneLineError(keel.run("audit", "note", "--message", "hi"), 2, "keel: Missing required option: '--subject=S'");
        assertOneLineError(keel.run("--set", "lake.rot=/x", "doctor"), 2,
                "keel: Unknown configuration key 'lake.rot' (from --set): did you mean 'lake.root'?");
        assertOneLineError(keel.run("--set", "s3.attempts=lots", "doctor"), 2,
                "keel: Invalid value 'lots' for s3.attempts (from --set): expected an integer from 1 to 100");
        assertOneLineError(keel.run("--conf", home.resolve("nope.properties").toString(), "config", "show"), 2,
                "keel: Configuration file " + home.resolve("nope.properties") + " does not exist");
        assertOneLineError(keel.run("--set", "nokeyvalue", "doctor"), 2, "keel: Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format");
        assertOneLineError(keel.run("audit", "tail", "-n", "0"), 2, "keel: Invalid -n 0");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliHarness.Result r = keel.run("-v", "--set", "s3.attempts=lots", "doctor");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("\tat dev.keel.config.ConfigLoader"), r::toString);
    }

    @Test
    void configShowGivesEveryValueItsSourceAndMasksSecrets() throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("keel.properties"), "slurm.url = http://slurm:6820\n");
        CliHarness.Result r = keel.env("KEEL_SLURM_JWT", "eyJ.secret.token").run("--set", "s3.attempts=7", "config", "show");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("s3.attempts") && r.out().contains("= 7   [--set]"), r.out());
        assertTrue(r.out().contains("lake.root") && r.out().contains("[environment KEEL_LAKE_ROOT]"), r.out());
        assertTrue(r.out().contains("[defaults file " + conf.resolve("keel.properties") + "]"), r.out());
        assertTrue(r.out().contains("slurm.jwt") && r.out().contains("= ******   [environment KEEL_SLURM_JWT]"), r.out());
        assertFalse(r.out().contains("eyJ.secret.token"));
        assertTrue(r.out().contains("s3.path.style.access") && r.out().contains("[built-in default]"), r.out());
    }

    @Test
    void configShowAsJsonIsMachineReadable() throws IOException {
        CliHarness.Result r = keel.env("KEEL_S3_ACCESS_KEY", "AKIA").env("KEEL_S3_SECRET_KEY", "hush")
                .run("config", "show", "--json", "--describe");
        assertEquals(0, r.exit(), r::toString);
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(64, doc.get("config_hash").asText().length());
        assertEquals(lake, doc.at("/keys/lake.root/value").asText());
        assertEquals("environment KEEL_LAKE_ROOT", doc.at("/keys/lake.root/source").asText());
        assertEquals("******", doc.at("/keys/s3.secret.key/value").asText());
        assertTrue(doc.at("/keys/s3.secret.key/secret").asBoolean());
        assertEquals("unset", doc.at("/keys/slurm.url/source").asText());
        assertFalse(r.out().contains("hush"));
    }

    @Test
    void doctorIsHealthyOnALocalLakeAndExits5WhenSlurmDoesNotAnswer() {
        CliHarness.Result healthy = keel.run("doctor");
        assertEquals(0, healthy.exit(), healthy::toString);
        assertTrue(healthy.out().contains("ok   nd4j      CpuBackend"), healthy.out());
        assertTrue(healthy.out().contains("ok   lake.root " + lake + " is reachable and writable"), healthy.out());
        assertTrue(healthy.out().contains("--   slurm     slurm.url is not set"), healthy.out());

        CliHarness.Result down = keel.run("--set", "slurm.url=http://127.0.0.1:1", "doctor", "--timeout", "2");
        assertEquals(5, down.exit(), down::toString);
        assertTrue(down.out().contains("FAIL slurm     http://127.0.0.1:1 does not answer"), down.out());
    }

    @Test
    void doctorReportsTheSlurmApiVersionsOnOffer() throws IOException, InterruptedException {
        try (MockWebServer slurm = new MockWebServer()) {
            slurm.enqueue(new MockResponse().setBody("{\"paths\":{\"/slurm/v0.0.38/ping\":{},\"/slurm/v0.0.37/ping\":{}}}"));
            slurm.start();
            String url = slurm.url("/").toString();
            CliHarness.Result r = keel.run("--set", "slurm.url=" + url, "doctor", "--json");
            assertEquals(0, r.exit(), r::toString);
            JsonNode report = JSON.readTree(r.out());
            JsonNode check = null;
            for (JsonNode c : report.get("checks")) {
                check = c.get("name").asText().equals("slurm") ? c : check;
            }
            assertTrue(check != null, report.toString());
            assertTrue(check.get("detail").asText().contains("serves v0.0.37 v0.0.38"), check.toString());
            assertEquals("/openapi/v3", slurm.takeRequest().getPath());
        }
    }

    @Test
    void doctorRejectsAnUnwritableLocalLakeWithExit2() throws IOException {
        Path blocker = Files.writeString(home.resolve("a-file"), "not a directory");
        CliHarness.Result r = keel.run("--set", "lake.root=" + blocker.resolve("lake"), "doctor");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.out().contains("FAIL lake.root"), r.out());
    }

    @Test
    void auditNoteTailVerifyAndAnchorWorkTogetherAndVerifyCatchesTampering(SparkSession spark) throws IOException {
        CliHarness.Result note = keel.run("audit", "note", "--subject", "digits-mlp@3", "--message", "approved for staging");
        assertEquals(0, note.exit(), note::toString);
        assertTrue(note.out().startsWith("Recorded note #2 on digits-mlp@3 by tester (run "), note.out());

        CliHarness.Result tail = keel.run("audit", "tail", "--json");
        assertEquals(0, tail.exit(), tail::toString);
        JsonNode events = JSON.readTree(tail.out());
        assertEquals(List.of("run.started", "note", "run.succeeded"),
                List.of(events.get(0).get("action").asText(), events.get(1).get("action").asText(), events.get(2).get("action").asText()));
        assertEquals("tester", events.get(1).get("actor").asText());
        assertTrue(events.get(1).get("details").asText().contains("approved for staging"));

        CliHarness.Result anchor = keel.run("audit", "anchor");
        assertEquals(0, anchor.exit(), anchor::toString);
        assertTrue(anchor.out().startsWith("Anchored audit head #4 "), anchor.out());

        CliHarness.Result verify = keel.run("audit", "verify");
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.out().startsWith("Audit chain intact: 6 events"), verify.out());

        String table = "delta.`" + lake + "/_keel/audit`";
        spark.sql("ALTER TABLE " + table + " SET TBLPROPERTIES ('delta.appendOnly' = 'false')");
        spark.sql("UPDATE " + table + " SET details = '{\"message\":\"approved for production\"}' WHERE seq = 2");
        CliHarness.Result broken = keel.run("audit", "verify", "--json");
        assertEquals(3, broken.exit(), broken::toString);
        JsonNode result = JSON.readTree(broken.out());
        assertFalse(result.get("intact").asBoolean());
        assertEquals("ALTERED", result.at("/breach/kind").asText());
        assertEquals(2, result.at("/breach/seq").asLong());
        assertEquals("UPDATE", result.get("suspicious_commits").get(0).get("operation").asText());

        CliHarness.Result refused = keel.run("audit", "anchor");
        assertEquals(3, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("Refusing to anchor a broken audit chain: Audit event 2"), refused::toString);
    }
}
