package dev.keel.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.keel.slurm.JobRequest;
import dev.keel.slurm.Retry;
import dev.keel.slurm.SlurmClient;
import dev.keel.testing.SharedSpark;
import okhttp3.OkHttpClient;

/** {@code keel slurm ...} against the real local Slurm: ping, status, wait passing the job's exit code through, logs, cancel. */
@ExtendWith(SharedSpark.class)
class SlurmCliIT {
    private static final Map<String, String> PORT = Map.of("SLURM_LOCAL_PORT", "6840");

    @Test
    void theSlurmCommandsAgainstARealSlurm(SparkSession spark, @TempDir Path home) throws Exception {
        Scripts.Result up = Scripts.run(PORT, "scripts/slurm-local.sh", "up");
        assertEquals(0, up.exit(), up::toString);
        try {
            String user = System.getProperty("user.name");
            Scripts.Result token = Scripts.run(PORT, "scripts/slurm-local.sh", "token", user, "600");
            assertEquals(0, token.exit(), token::toString);
            String url = up.out().trim();
            CliHarness keel = new CliHarness(spark, home).env("KEEL_SLURM_URL", url).env("KEEL_SLURM_JWT", token.out().trim())
                    .env("KEEL_SLURM_USER", user);

            CliHarness.Result ping = keel.run("slurm", "ping");
            assertEquals(0, ping.exit(), ping::toString);
            assertTrue(ping.out().startsWith("slurmrestd answers (API v0.0.38); controllers: ") && ping.out().trim().endsWith(" UP"),
                    ping.out());
            assertTrue(!ping.out().contains(token.out().trim()) && !ping.err().contains(token.out().trim()), "the token is never printed");

            SlurmClient client = new SlurmClient(url, user, token.out().trim(), new OkHttpClient(), Retry.STANDARD,
                    d -> Thread.sleep(d.toMillis()), new SecureRandom(), Clock.systemUTC());
            long failing = client.submit(JobRequest.of("#!/bin/bash\necho line-1\necho line-2\nexit 3\n", "cli-three",
                    Map.of("PATH", "/usr/bin:/bin"), home.toString(), home.resolve("%x-%j.out").toString()));
            CliHarness.Result waited = keel.run("slurm", "wait", Long.toString(failing), "--timeout", "120");
            assertEquals(3, waited.exit(), "wait passes the job's exit code through: " + waited);
            assertTrue(waited.out().startsWith("job " + failing + " cli-three      FAILED     (NonZeroExitCode) exit 3 on "),
                    waited.out());
            assertTrue(waited.err().contains("job " + failing + " FAILED"), waited.err());
            CliHarness.Result logs = keel.run("slurm", "logs", Long.toString(failing), "-n", "1");
            assertEquals(0, logs.exit(), logs::toString);
            assertEquals(List.of("line-2"), logs.out().lines().toList());
            assertEquals(0, keel.run("slurm", "status", Long.toString(failing)).exit());

            long sleeping = client.submit(JobRequest.of("#!/bin/bash\nsleep 300\n", "cli-sleep", Map.of("PATH", "/usr/bin:/bin"),
                    home.toString(), home.resolve("%j.out").toString()));
            CliHarness.Result jobs = keel.run("slurm", "jobs");
            assertTrue(jobs.out().contains("job " + sleeping + " cli-sleep"), jobs.out());
            assertEquals(0, keel.run("slurm", "cancel", Long.toString(sleeping)).exit());
            CliHarness.Result cancelled = keel.run("slurm", "wait", Long.toString(sleeping), "--timeout", "60");
            assertEquals(1, cancelled.exit(), "a cancelled job has no exit code of its own: " + cancelled);
            assertTrue(cancelled.out().contains("CANCELLED"), cancelled.out());

            CliHarness.Result unknown = keel.run("slurm", "status", "987654");
            assertEquals(2, unknown.exit(), unknown::toString);
            assertTrue(unknown.err().contains("Invalid job id specified"), unknown.err());
            CliHarness.Result expired = keel.env("KEEL_SLURM_JWT", "not-a-jwt").run("slurm", "ping");
            assertEquals(2, expired.exit(), expired::toString);
            assertTrue(expired.err().startsWith("keel: The Slurm token is not a JWT"), expired.err());
            assertTrue(Files.exists(home.resolve("cli-three-" + failing + ".out")));
        } finally {
            Scripts.run(PORT, "scripts/slurm-local.sh", "down");
        }
    }
}
