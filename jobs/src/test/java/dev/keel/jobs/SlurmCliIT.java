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
import dev.keel.testing.DigitsLake;
import dev.keel.testing.SharedSpark;
import dev.keel.testing.TestRuns;
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
            Scripts.Result token = Scripts.run(PORT, "scripts/slurm-local.sh", "token", user, "3600");
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

            trainSubmittedToSlurm(spark, home, url, token.out().trim(), user);
            requeuedTrainingResumes(spark, home, url, token.out().trim(), user);
            sweepSubmittedToSlurm(spark, home, url, token.out().trim(), user);
            dataJobInTheAllocation(spark, home);
            pipelineTrainingOnSlurm(spark, home, url, token.out().trim(), user);
        } finally {
            Scripts.run(PORT, "scripts/slurm-local.sh", "down");
        }
    }

    /** scontrol requeue during a submitted training: the job runs again and its training continues from the last checkpoint. */
    private static void requeuedTrainingResumes(SparkSession spark, Path home, String url, String token, String user) throws Exception {
        Path lake = home.resolve("lake");
        Path spec = home.resolve("digits-long.yaml");
        Files.writeString(spec, Files.readString(Scripts.HOME.resolve("conf/models/digits-mlp.yaml")).replace("epochs: 30", "epochs: 6")
                .replace("early_stopping: { metric: loss, patience: 5 }", ""));
        java.util.Set<Path> before = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> dirs = Files.list(lake.resolve("checkpoints"))) {
            dirs.forEach(before::add);
        }
        CliHarness keel = new CliHarness(spark, Scripts.HOME.toAbsolutePath().normalize()).env("KEEL_SLURM_URL", url)
                .env("KEEL_SLURM_JWT", token).env("KEEL_SLURM_USER", user).env("KEEL_LAKE_ROOT", lake.toString())
                .env("PATH", System.getenv("PATH")).env("HOME", System.getProperty("user.home"));
        CliHarness.Result submitted = keel.run("train", "submit", "--spec", spec.toString(), "--split", "digits@0");
        assertEquals(0, submitted.exit(), submitted::toString);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Submitted Slurm job (\\d+) ").matcher(submitted.out());
        assertTrue(id.find(), submitted.out());
        String job = id.group(1);
        Path second = null;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (second == null && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            try (java.util.stream.Stream<Path> dirs = Files.list(lake.resolve("checkpoints"))) {
                second = dirs.filter(d -> !before.contains(d)).map(d -> d.resolve("epoch-0002.json")).filter(Files::exists).findFirst()
                        .orElse(null);
            }
        }
        assertTrue(second != null, "the submitted training reached epoch 2");
        assertEquals("", scontrol("requeue", job).strip());
        // Slurm 22.05 holds a requeued job for about two minutes (BeginTime); release it as an operator would.
        String held = "";
        long release = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
        while (!held.contains("JobState=PENDING") && System.nanoTime() < release) {
            Thread.sleep(500);
            held = scontrol("show", "job", job);
        }
        assertTrue(held.contains("JobState=PENDING") && held.contains("Restarts=1"), "the job was requeued: " + held);
        scontrol("update", "JobId=" + job, "StartTime=now");

        CliHarness.Result waited = keel.run("slurm", "wait", job, "--timeout", "900");
        assertEquals(0, waited.exit(), "the requeued job finishes: " + waited);
        TestRuns runs = new TestRuns(spark, lake);
        dev.keel.audit.AuditEvent trained = runs.env().audit().log().tail(40).stream().filter(e -> e.action().equals("model.trained")
                && e.subject().equals("digits-mlp@2")).findFirst().orElseThrow();
        assertTrue(trained.details().contains("\"resumed_run\":\"" + second.getParent().getFileName() + "\""), trained.details());
        int resumedFrom = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trained.details()).get("resumed_from_epoch").asInt();
        assertTrue(resumedFrom >= 2, "continued after epoch " + resumedFrom + ", not from scratch");
    }

    /** keel train submit --wait: slurm/train.sbatch runs Spark in the allocation, trains with 2 workers, registers, is metered. */
    private static void trainSubmittedToSlurm(SparkSession spark, Path home, String url, String token, String user) throws Exception {
        Path lake = home.resolve("lake");
        TestRuns runs = new TestRuns(spark, lake);
        DigitsLake.ingestAndSplit(runs, spark, home);
        Path spec = Scripts.shortSpec(home.resolve("digits-short.yaml"), 2);
        CliHarness keel = new CliHarness(spark, Scripts.HOME.toAbsolutePath().normalize()).env("KEEL_SLURM_URL", url)
                .env("KEEL_SLURM_JWT", token).env("KEEL_SLURM_USER", user).env("KEEL_LAKE_ROOT", lake.toString())
                .env("PATH", System.getenv("PATH")).env("HOME", System.getProperty("user.home"));
        CliHarness.Result submitted = keel.run("train", "submit", "--spec", spec.toString(), "--split", "digits@0", "--nodes", "1",
                "--tasks-per-node", "2", "--time", "00:20:00", "--wait", "--timeout", "900");
        assertEquals(0, submitted.exit(), submitted::toString);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Submitted Slurm job (\\d+) ").matcher(submitted.out());
        assertTrue(id.find(), submitted.out());
        String job = id.group(1);
        assertTrue(submitted.out().contains("job " + job + " keel-train-digits-mlp COMPLETED"), submitted.out());

        org.apache.spark.sql.Row model = spark.read().format("delta").load(lake.resolve("_keel/models").toString()).first();
        assertEquals(2, model.<Integer>getAs("workers"), "trained by parameter averaging over the allocation's Spark workers");
        String trainRun = model.getAs("run_id");
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> recorded = spark.read().format("delta")
                .load(lake.resolve("_keel/runs").toString()).where("slurm_job_id = '" + job + "' AND status = 'SUCCEEDED'");
        assertEquals(List.of("train", "train-submit"), recorded.select("kind").distinct().orderBy("kind").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList(), "both the submission and the training carry the job id");
        assertTrue(recorded.where("run_id = '" + trainRun + "'").count() == 1);
        org.apache.spark.sql.Row usage = spark.read().format("delta").load(lake.resolve("_keel/compute_usage").toString()).first();
        assertEquals(Long.parseLong(job), (long) usage.<Long>getAs("slurm_job_id"));
        assertEquals("COMPLETED", usage.getAs("state"));
        assertEquals(1, (int) usage.<Integer>getAs("nodes"));
        assertEquals(2, (int) usage.<Integer>getAs("cpus"));
        assertEquals(0.0, usage.<Double>getAs("gpu_hours"), 0);
        assertTrue(usage.<Double>getAs("cpu_hours") > 0 && usage.<Long>getAs("elapsed_seconds") > 0);
        CliHarness.Result usageByModel = keel.run("usage", "--by", "model");
        assertEquals(0, usageByModel.exit(), usageByModel::toString);
        assertTrue(usageByModel.out().lines().anyMatch(l -> l.matches("digits-mlp\\s+1\\s+0\\.000\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}"
                + "\\s+(\\d+%|-)\\s+-")),
                usageByModel.out());
        assertEquals(2, keel.run("usage", "--by", "team").exit());
        assertTrue(runs.env().audit().log().tail(20).stream().anyMatch(e -> e.action().equals("slurm.submitted")
                && e.details().contains("\"slurm_job_id\":" + job)));
    }

    /**
     * keel train submit --sweep: a budget too small for one candidate is refused; without --wait the budget admits what fits;
     * with --wait, two job arrays (the second from the budget the first did not use), each candidate registered under its own
     * version, metered with sampled utilisation, and ranked by the final job.
     */
    private static void sweepSubmittedToSlurm(SparkSession spark, Path home, String url, String token, String user) throws Exception {
        Path lake = home.resolve("lake");
        Path grid = home.resolve("grid.yaml");
        Files.writeString(grid, "select: { metric: accuracy }\nparameters:\n  training.epochs: [2]\n"
                + "  training.learning_rate: [0.003, 0.01, 0.03]\n");
        CliHarness keel = new CliHarness(spark, Scripts.HOME.toAbsolutePath().normalize()).env("KEEL_SLURM_URL", url)
                .env("KEEL_SLURM_JWT", token).env("KEEL_SLURM_USER", user).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_SAMPLE_SECONDS", "2").env("PATH", System.getenv("PATH")).env("HOME", System.getProperty("user.home"));
        List<String> sweep = List.of("train", "submit", "--spec",
                Scripts.HOME.resolve("conf/models/digits-mlp.yaml").toAbsolutePath().toString(), "--split", "digits@0", "--sweep",
                grid.toString(), "--tasks-per-node", "1", "--time", "00:20:00", "--budget");

        CliHarness.Result tooSmall = keel.run(with(sweep, "0.1"));
        assertEquals(2, tooSmall.exit(), tooSmall::toString);
        assertTrue(tooSmall.err().contains("--budget 0.100 CPU-hours is less than one candidate reserves (0.333"), tooSmall.err());

        CliHarness.Result partial = keel.run(with(sweep, "0.4"));
        assertEquals(0, partial.exit(), partial::toString);
        assertTrue(partial.out().contains("candidates 0-0;") && partial.out().contains("2 candidate(s) not submitted"), partial.out());
        java.util.regex.Matcher jobs = java.util.regex.Pattern.compile("job array (\\d+):.*\\n.*\\n\\s+comparison job (\\d+);")
                .matcher(partial.out());
        assertTrue(jobs.find(), partial.out());
        assertEquals(0, keel.run("slurm", "cancel", jobs.group(2)).exit());
        assertEquals(0, keel.run("slurm", "cancel", jobs.group(1)).exit());

        CliHarness.Result waited = keel.run(with(sweep, "0.68", "--wait", "--timeout", "900"));
        assertEquals(0, waited.exit(), waited::toString);
        assertTrue(waited.out().contains("candidates 0-1;") && waited.out().contains("candidates 2-2;"),
                "the budget the first array did not use admits the last candidate: " + waited.out());
        assertTrue(waited.out().contains("keel-sweep-compare-digits-mlp COMPLETED"), waited.out());
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Sweep (\\S+): 3 candidate\\(s\\)").matcher(waited.out());
        assertTrue(id.find(), waited.out());
        String tag = "sweep:" + id.group(1);

        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> annotations = spark.read().format("delta")
                .load(lake.resolve("_keel/model_annotations").toString());
        List<Long> candidates = annotations.where("value = '" + tag + "'").select("version").as(org.apache.spark.sql.Encoders.LONG())
                .collectAsList().stream().sorted().toList();
        assertEquals(3, candidates.size(), "every candidate registered and tagged: " + candidates);
        assertEquals(3, candidates.stream().distinct().count(), "each under a version of its own, though they finished together");
        assertEquals(1, annotations.where("value = 'best-of:" + id.group(1) + "'").count());
        assertEquals(candidates.get(candidates.size() - 1), spark.read().format("delta").load(lake.resolve("_keel/models").toString())
                .selectExpr("max(version)").as(org.apache.spark.sql.Encoders.LONG()).first());

        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> usage = spark.read().format("delta")
                .load(lake.resolve("_keel/compute_usage").toString());
        assertEquals(3, usage.where("kind = 'sweep' AND state = 'COMPLETED' AND utilisation_samples > 0 AND cpu_utilisation > 0 "
                + "AND utilisation_source = '/proc' AND gpu_utilisation IS NULL").count(), "each candidate metered with its samples");
        assertEquals(1, usage.where("kind = 'sweep-compare' AND state = 'COMPLETED'").count());
        assertEquals(3, spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .where("kind = 'train' AND status = 'SUCCEEDED' AND slurm_job_id RLIKE '^[0-9]+_[0-2]$'").count(),
                "each candidate's run carries its array task, ARRAY_TASK");
        dev.keel.audit.AuditEvent compared = new TestRuns(spark, lake).env().audit().log().tail(60).stream()
                .filter(e -> e.action().equals("sweep.compared")).reduce((a, b) -> b).orElseThrow();
        assertTrue(compared.details().contains("\"sweep\":\"" + id.group(1) + "\""), compared.details());
    }

    /** slurm/ingest.sbatch by hand with sbatch: a keel data job on Spark started inside the allocation; no command is exit 2. */
    private static void dataJobInTheAllocation(SparkSession spark, Path home) throws Exception {
        Path lake = home.resolve("lake");
        long split = sbatch(lake, "split", "--dataset", "digits", "--seed", "11");
        long none = sbatch(lake);
        CliHarness keel = new CliHarness(spark, Scripts.HOME.toAbsolutePath().normalize()).env("KEEL_LAKE_ROOT", lake.toString());
        assertEquals(2, awaitExit(none), "a data job without a command fails with exit 2");
        assertEquals(0, awaitExit(split), "the split ran inside the allocation");
        assertTrue(Files.readString(Scripts.HOME.resolve("logs/keel-ingest-" + split + ".out")).contains("Spark master spark://"));
        assertEquals(1, spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .where("kind = 'split' AND status = 'SUCCEEDED' AND slurm_job_id = '" + split + "'").count());
        CliHarness.Result shown = keel.run("split", "show", "digits", "--all");
        assertTrue(shown.out().lines().anyMatch(l -> l.startsWith("1 ") && l.contains(" 11 ")), shown.out());
    }

    /** keel pipeline with train.on = slurm: a night with new data trains in a Slurm job, waited for, metered, then released. */
    private static void pipelineTrainingOnSlurm(SparkSession spark, Path home, String url, String token, String user) throws Exception {
        Path lake = home.resolve("lake");
        dev.keel.demo.DigitsDrop.shipped().writeBatch(spark.sparkContext().hadoopConfiguration(), home.resolve("raw").toString(), 2);
        Path conf = Scripts.HOME.resolve("conf").toAbsolutePath().normalize();
        Path spec = Scripts.shortSpec(home.resolve("digits-pipeline.yaml"), 2);
        Path config = home.resolve("slurm-night.properties");
        Files.writeString(config, String.join("\n", "pipeline.name = slurm-night", "ingest.contract = " + conf.resolve("contracts/digits.yaml"),
                "ingest.source = " + home.resolve("raw"), "split.stratify = label", "train.spec = " + spec, "train.on = slurm",
                "train.workers = 2", "train.time = 00:20:00", "promote.to = none", "report.dir = " + home.resolve("reports"), ""));
        CliHarness keel = new CliHarness(spark, Scripts.HOME.toAbsolutePath().normalize()).env("KEEL_SLURM_URL", url)
                .env("KEEL_SLURM_JWT", token).env("KEEL_SLURM_USER", user).env("KEEL_LAKE_ROOT", lake.toString())
                .env("KEEL_RELEASE_DIR", conf.resolve("release").toString()).env("PATH", System.getenv("PATH"))
                .env("HOME", System.getProperty("user.home"));
        CliHarness.Result night = keel.run("pipeline", "--config", config.toString());
        assertTrue(night.exit() == 0 || night.exit() == 4, night::toString);
        java.util.regex.Matcher trained = java.util.regex.Pattern.compile("\\s+train\\s+succeeded\\s+run (\\S+)\\s+(digits-mlp@\\d+) trained in "
                + "Slurm job").matcher(night.out());
        assertTrue(trained.find(), night.out());
        assertTrue(night.out().contains("1 new file(s), 591 clean row(s), 8 quarantined"), night.out());
        assertTrue(night.out().lines().anyMatch(l -> l.matches("\\s+promote\\s+skipped\\s+skipped: (promote.to = none|.*failed its gates.*)")),
                night.out());
        org.apache.spark.sql.Row submitted = spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .where("run_id = '" + trained.group(1) + "'").first();
        assertEquals("train-submit", submitted.getAs("kind"));
        String job = submitted.getAs("slurm_job_id");
        assertEquals(1, spark.read().format("delta").load(lake.resolve("_keel/compute_usage").toString())
                .where("slurm_job_id = " + job + " AND kind = 'train' AND state = 'COMPLETED'").count(), "the training job is metered");
        assertEquals(1, spark.read().format("delta").load(lake.resolve("_keel/runs").toString())
                .where("kind = 'train' AND status = 'SUCCEEDED' AND slurm_job_id = '" + job + "'").count(), "and trained inside it");
        assertTrue(Files.exists(home.resolve("reports/" + trained.group(2).replace('@', '-') + "/index.html")));
    }

    /** Runs scontrol against the local Slurm as its administrator; its output, which a non-zero exit fails the test with. */
    private static String scontrol(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("scontrol"));
        command.addAll(List.of(args));
        Scripts.Result r = slurmTool(command);
        assertEquals(0, r.exit(), "scontrol " + String.join(" ", args) + ": " + r.out());
        return r.out();
    }

    /** Runs a Slurm command-line tool against the local Slurm of this test; its exit status and output (stderr merged). */
    private static Scripts.Result slurmTool(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SLURM_CONF", Scripts.HOME.resolve(".keel/slurm-6840/slurm.conf").toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Scripts.Result(p.waitFor(), out, "");
    }

    private static long sbatch(Path lake, String... keelArgs) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sbatch", "--parsable", "--nodes=1", "--ntasks=2",
                "--output=" + Scripts.HOME.resolve("logs/keel-ingest-%j.out"),
                "--export=ALL,KEEL_HOME=" + Scripts.HOME.toAbsolutePath().normalize() + ",KEEL_LAKE_ROOT=" + lake,
                Scripts.HOME.resolve("slurm/ingest.sbatch").toString()));
        command.addAll(List.of(keelArgs));
        Scripts.Result r = slurmTool(command);
        String out = r.out().trim();
        assertEquals(0, r.exit(), out);
        return Long.parseLong(out.split(";")[0]);
    }

    private static int awaitExit(long job) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            String out = slurmTool(List.of("scontrol", "show", "job", Long.toString(job))).out();
            java.util.regex.Matcher state = java.util.regex.Pattern.compile("JobState=(\\S+).*ExitCode=(\\d+):").matcher(out.replace("\n", " "));
            if (state.find() && List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(state.group(1))) {
                return Integer.parseInt(state.group(2));
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("job " + job + " did not end in 10 minutes");
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
