package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code scripts/keel} as users run it: java on the project's classpath (local mode), and
 * spark-submit with the shaded jar when SPARK_HOME is set (here a Spark installation assembled
 * from Maven artifacts by {@code scripts/spark-home.sh}). Same commands, same output.
 */
class LauncherIT {
    private static String sparkHome;

    @TempDir
    Path lake;

    @BeforeAll
    static void sparkInstallation() throws Exception {
        Scripts.Result r = Scripts.run(Map.of(), "scripts/spark-home.sh");
        assertEquals(0, r.exit(), r.err());
        sparkHome = r.out().trim();
    }

    @Test
    void versionAndDoctorPrintTheSameThroughJavaAndSparkSubmit() throws Exception {
        Map<String, String> local = Map.of("KEEL_LAKE_ROOT", lake.toString());
        Map<String, String> submit = Map.of("KEEL_LAKE_ROOT", lake.toString(), "SPARK_HOME", sparkHome);

        Scripts.Result version = Scripts.run(local, "scripts/keel", "--version");
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("keel "), version.out());
        assertEquals(version.out(), Scripts.run(submit, "scripts/keel", "--version").out());

        Scripts.Result doctor = Scripts.run(local, "scripts/keel", "doctor");
        assertEquals(0, doctor.exit(), doctor.err());
        Scripts.Result doctorSubmitted = Scripts.run(submit, "scripts/keel", "doctor");
        assertEquals(0, doctorSubmitted.exit(), doctorSubmitted.err());
        assertEquals(doctor.out(), doctorSubmitted.out());
    }

    @Test
    void aRunSubmittedThroughSparkSubmitIsReadBackLocally() throws Exception {
        Scripts.Result note = Scripts.run(Map.of("KEEL_LAKE_ROOT", lake.toString(), "SPARK_HOME", sparkHome, "KEEL_ACTOR", "submitter"),
                "scripts/keel", "audit", "note", "--subject", "launcher", "--message", "through spark-submit");
        assertEquals(0, note.exit(), note.err());
        assertTrue(note.out().startsWith("Recorded note #2 on launcher by submitter"), note.out());

        Scripts.Result tail = Scripts.run(Map.of("KEEL_LAKE_ROOT", lake.toString()), "scripts/keel", "audit", "tail", "--json");
        assertEquals(0, tail.exit(), tail.err());
        JsonNode events = new ObjectMapper().readTree(tail.out());
        assertEquals(3, events.size());
        assertEquals("through spark-submit", new ObjectMapper().readTree(events.get(1).get("details").asText()).get("message").asText());
    }

    @Test
    void launcherErrorsAreOneLineWithTheDocumentedExitCode() throws Exception {
        Scripts.Result badHome = Scripts.run(Map.of("SPARK_HOME", lake.resolve("no-spark").toString()), "scripts/keel", "--version");
        assertEquals(2, badHome.exit());
        assertTrue(badHome.err().startsWith("keel: SPARK_HOME=" + lake.resolve("no-spark") + " has no bin/spark-submit"),
                badHome.err());

        Scripts.Result unknown = Scripts.run(Map.of(), "scripts/keel", "doctor", "--frobnicate");
        assertEquals(2, unknown.exit());
        assertEquals("keel: Unknown option: '--frobnicate' (see 'keel doctor --help')", unknown.err().trim());
    }
}
