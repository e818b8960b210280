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
import java.util.Optional;
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

    /**
     * slurm/allocation.sh's signal handling, as the job templates use it: scancel leaves the job
     * cancelled, scontrol requeue leaves it to Slurm, SIGUSR1 (the warning before the time limit,
     * here sent 178 s early on a 3-minute job) and SIGTERM to a running job (preemption's grace
     * time, here scancel --signal=TERM) make the script requeue it.
     */
    @Test
    void templatesStopKeelAndRequeueOnlyWhenTheyShould() throws Exception {
        SlurmClient slurm = client(Retry.STANDARD);
        String script = "#!/bin/bash\nset -euo pipefail\nsource " + HOME.resolve("slurm/allocation.sh") + "\nkeel_job_name=signals\n"
                + "keel_stop_on_signals\nkeel_time_warning \"${WARN:-0}\"\nkeel_run sleep 300\n";
        long cancelled = slurm.submit(JobRequest.of(script, "cancel-me", Map.of("PATH", System.getenv("PATH")), work.toString(),
                work.resolve("%j.out").toString()));
        long requeued = slurm.submit(JobRequest.of(script, "requeue-me", Map.of("PATH", System.getenv("PATH")), work.toString(),
                work.resolve("%j.out").toString()));
        for (long id : List.of(cancelled, requeued)) {
            awaitState(slurm, id, JobState.RUNNING);
        }
        Thread.sleep(1000);
        slurm.cancel(cancelled);
        ProcessBuilder scontrol = new ProcessBuilder("scontrol", "requeue", Long.toString(requeued)).redirectErrorStream(true);
        scontrol.environment().put("SLURM_CONF", HOME.resolve(".keel/slurm-" + PORT + "/slurm.conf").toString());
        Process requeue = scontrol.start();
        requeue.getOutputStream().close();
        assertEquals(0, requeue.waitFor());
        assertEquals(JobState.CANCELLED, slurm.await(cancelled, Duration.ofMinutes(1), s -> { }).state());
        awaitOutput(cancelled, "[signals] SIGTERM: job " + cancelled + " was cancelled");
        awaitOutput(requeued, "[signals] SIGTERM: Slurm is requeueing job " + requeued);
        long warned = slurm.submit(new JobRequest(script, "warn-me", Optional.empty(), Optional.empty(), Optional.empty(), 1, 1, 1, 0,
                Optional.empty(), Optional.of(3), Optional.empty(), Optional.empty(), true, Map.of("PATH", System.getenv("PATH"), "WARN",
                "178"), work.toString(), work.resolve("%j.out").toString(), Optional.empty(), Optional.of(178)));
        awaitOutput(warned, "[signals] SIGUSR1, the time limit is near: keel stopped; requeueing job " + warned);
        long preempted = slurm.submit(JobRequest.of(script, "preempt-me", Map.of("PATH", System.getenv("PATH")), work.toString(),
                work.resolve("%j.out").toString()));
        awaitState(slurm, preempted, JobState.RUNNING);
        Thread.sleep(1000);
        ProcessBuilder signal = new ProcessBuilder("scancel", "--signal=TERM", "--batch", Long.toString(preempted))
                .redirectErrorStream(true);
        signal.environment().put("SLURM_CONF", HOME.resolve(".keel/slurm-" + PORT + "/slurm.conf").toString());
        Process term = signal.start();
        term.getOutputStream().close();
        assertEquals(0, term.waitFor());
        awaitOutput(preempted, "[signals] SIGTERM while running (preemption or scancel --signal): keel stopped; requeueing job "
                + preempted);
        for (long id : List.of(requeued, warned, preempted)) {
            JobStatus s = slurm.job(id);
            assertEquals(JobState.PENDING, s.state(), "job " + id + " is requeued");
            assertEquals(1, s.restarts());
            slurm.cancel(id);
        }
    }

    private void awaitOutput(long job, String text) throws Exception {
        Path out = work.resolve(job + ".out");
        for (int i = 0; i < 60 && !(Files.exists(out) && Files.readString(out).contains(text)); i++) {
            Thread.sleep(500);
        }
        assertTrue(Files.exists(out) && Files.readString(out).contains(text), "job " + job + " printed: " + (Files.exists(out)
                ? Files.readString(out) : "nothing"));
    }

    private static void awaitState(SlurmClient slurm, long job, JobState state) throws Exception {
        for (int i = 0; i < 60 && slurm.job(job).state() != state; i++) {
            Thread.sleep(500);
        }
        assertEquals(state, slurm.job(job).state(), "job " + job);
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
