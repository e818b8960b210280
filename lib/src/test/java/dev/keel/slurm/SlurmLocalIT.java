package dev.keel.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.error.ExitCode;
import dev.keel.error.ExternalSystemException;
import okhttp3.OkHttpClient;

/**
 * The client against a real Slurm 22.05 (munge, slurmctld, slurmd, slurmrestd started by
 * scripts/slurm-local.sh on 127.0.0.1): a job that exits 3 is FAILED with exit code 3 and its
 * output readable, cancel works, and slurmrestd stopped mid-wait gives bounded retries and exit 5.
 */
class SlurmLocalIT {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final String PORT = "6830";
    private static String url;

    @TempDir
    Path work;

    @BeforeAll
    static void up() throws Exception {
        url = script("up").trim().lines().reduce((a, b) -> b).orElseThrow();
    }

    @AfterAll
    static void down() throws Exception {
        script("down");
    }

    private static String script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", HOME.resolve("scripts/slurm-local.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
        pb.environment().put("SLURM_LOCAL_PORT", PORT);
        Path err = Files.createTempFile("slurm-local", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "slurm-local.sh " + args[0] + " timed out");
        assertEquals(0, p.exitValue(), "slurm-local.sh " + String.join(" ", args) + ": " + out + Files.readString(err));
        return out;
    }

    private static SlurmClient client(Retry retry) throws Exception {
        String user = System.getProperty("user.name");
        return new SlurmClient(url, user, script("token", user, "600").trim(), new OkHttpClient(), retry,
                d -> Thread.sleep(d.toMillis()), new SecureRandom(), Clock.systemUTC());
    }

    @Test
    void jobsRunFailAndAreCancelledOnARealSlurm() throws Exception {
        SlurmClient slurm = client(Retry.STANDARD);
        assertEquals("v0.0.38", slurm.version());
        assertTrue(slurm.ping().get(0).endsWith(" UP"), slurm.ping()::toString);

        long failing = slurm.submit(JobRequest.of("#!/bin/bash\necho \"hello from $SLURM_JOB_ID on $(hostname)\"\nexit 3\n", "exit-three",
                Map.of("PATH", "/usr/bin:/bin"), work.toString(), work.resolve("%x-%j.out").toString()));
        List<String> seen = new ArrayList<>();
        JobStatus failed = slurm.await(failing, Duration.ofMinutes(2), s -> seen.add(s.state().name()));
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(new ExitStatus(3, 0), failed.exit().orElseThrow());
        assertEquals(work.resolve("exit-three-" + failing + ".out").toString(), failed.outputFile());
        assertTrue(Files.readString(Path.of(failed.outputFile())).startsWith("hello from " + failing + " on "));
        assertTrue(seen.contains("FAILED"), seen::toString);

        long sleeping = slurm.submit(JobRequest.of("#!/bin/bash\nsleep 300\n", "sleeper", Map.of("PATH", "/usr/bin:/bin"),
                work.toString(), work.resolve("%j.out").toString()));
        assertTrue(slurm.jobs().stream().anyMatch(j -> j.jobId() == sleeping), "jobs() lists the user's jobs");
        slurm.cancel(sleeping);
        JobStatus cancelled = slurm.await(sleeping, Duration.ofMinutes(1), s -> { });
        assertEquals(JobState.CANCELLED, cancelled.state());

        SlurmRequestException unknown = assertThrows(SlurmRequestException.class, () -> slurm.job(987654));
        assertTrue(unknown.getMessage().contains("Invalid job id specified"), unknown.getMessage());
    }

    @Test
    void slurmrestdStoppedMidWaitGivesBoundedRetriesAndExit5() throws Exception {
        SlurmClient slurm = client(new Retry(4, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(10)));
        long job = slurm.submit(JobRequest.of("#!/bin/bash\nsleep 60\n", "long", Map.of("PATH", "/usr/bin:/bin"), work.toString(),
                work.resolve("%j.out").toString()));
        Path pid = HOME.resolve(".keel/slurm-" + PORT + "/run/slurmrestd.pid");
        new ProcessBuilder("kill", Files.readString(pid).trim()).start().waitFor();
        long started = System.nanoTime();
        ExternalSystemException down = assertThrows(ExternalSystemException.class,
                () -> slurm.await(job, Duration.ofMinutes(5), s -> { }));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(ExitCode.EXTERNAL_UNAVAILABLE, down.exitCode());
        assertTrue(down.getMessage().contains("after 4 attempt(s)"), down.getMessage());
        assertTrue(seconds < 15, "the retries are bounded: " + seconds + " s");
        up();
        SlurmClient again = client(Retry.STANDARD);
        again.cancel(job);
        assertEquals(JobState.CANCELLED, again.await(job, Duration.ofMinutes(1), s -> { }).state());
    }
}
