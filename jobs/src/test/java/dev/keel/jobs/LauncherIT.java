package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    private static final Path HOME = Path.of(System.getProperty("keel.home", ".."));
    private static String sparkHome;

    @TempDir
    Path lake;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void sparkInstallation() throws Exception {
        Result r = run(Map.of(), "scripts/spark-home.sh");
        assertEquals(0, r.exit(), r.err());
        sparkHome = r.out().trim();
    }

    private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("bash"));
        line.add(HOME.resolve(command[0]).toString());
        line.addAll(List.of(command).subList(1, command.length));
        ProcessBuilder builder = new ProcessBuilder(line).directory(HOME.toFile());
        builder.environment().remove("SPARK_HOME");
        builder.environment().putAll(env);
        Path out = java.nio.file.Files.createTempFile("keel-out", ".txt");
        Path err = java.nio.file.Files.createTempFile("keel-err", ".txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + line);
        return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void versionAndDoctorPrintTheSameThroughJavaAndSparkSubmit() throws Exception {
        Map<String, String> local = Map.of("KEEL_LAKE_ROOT", lake.toString());
        Map<String, String> submit = Map.of("KEEL_LAKE_ROOT", lake.toString(), "SPARK_HOME", sparkHome);

        Result version = run(local, "scripts/keel", "--version");
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("keel "), version.out());
        assertEquals(version.out(), run(submit, "scripts/keel", "--version").out());

        Result doctor = run(local, "scripts/keel", "doctor");
        assertEquals(0, doctor.exit(), doctor.err());
        Result doctorSubmitted = run(submit, "scripts/keel", "doctor");
        assertEquals(0, doctorSubmitted.exit(), doctorSubmitted.err());
        assertEquals(doctor.out(), doctorSubmitted.out());
    }

    @Test
    void aRunSubmittedThroughSparkSubmitIsReadBackLocally() throws Exception {
        Result note = run(Map.of("KEEL_LAKE_ROOT", lake.toString(), "SPARK_HOME", sparkHome, "KEEL_ACTOR", "submitter"),
                "scripts/keel", "audit", "note", "--subject", "launcher", "--message", "through spark-submit");
        assertEquals(0, note.exit(), note.err());
        assertTrue(note.out().startsWith("Recorded note #2 on launcher by submitter"), note.out());

        Result tail = run(Map.of("KEEL_LAKE_ROOT", lake.toString()), "scripts/keel", "audit", "tail", "--json");
        assertEquals(0, tail.exit(), tail.err());
        JsonNode events = new ObjectMapper().readTree(tail.out());
        assertEquals(3, events.size());
        assertEquals("through spark-submit", new ObjectMapper().readTree(events.get(1).get("details").asText()).get("message").asText());
    }

    @Test
    void launcherErrorsAreOneLineWithTheDocumentedExitCode() throws Exception {
        Result badHome = run(Map.of("SPARK_HOME", lake.resolve("no-spark").toString()), "scripts/keel", "--version");
        assertEquals(2, badHome.exit());
        assertTrue(badHome.err().startsWith("keel: SPARK_HOME=" + lake.resolve("no-spark") + " has no bin/spark-submit"),
                badHome.err());

        Result unknown = run(Map.of(), "scripts/keel", "doctor", "--frobnicate");
        assertEquals(2, unknown.exit());
        assertEquals("keel: Unknown option: '--frobnicate' (see 'keel doctor --help')", unknown.err().trim());
    }
}
