package dev.keel.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.keel.error.ExitCode;
import dev.keel.error.ExternalSystemException;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * The client against MockWebServer replaying what a real Slurm 22.05 answered (fixtures recorded
 * from the daemons scripts/slurm-local.sh starts) and what the v0.0.40+ schemas describe: version
 * negotiation, both dialects, retries with backoff, exit 5, malformed answers, authentication.
 */
class SlurmClientTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String TOKEN = jwt("alice", NOW.plusSeconds(3600));

    private MockWebServer server;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private SlurmClient client(Retry retry) {
        return new SlurmClient(server.url("/").toString(), "alice", TOKEN, new OkHttpClient(), retry, waits::add, new Random(7),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = SlurmClientTest.class.getResourceAsStream("/slurm/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void answer(int code, String body) {
        server.enqueue(new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body));
    }

    private static String openapi(int... minors) {
        StringBuilder paths = new StringBuilder("{\"paths\":{");
        for (int m : minors) {
            paths.append("\"\\/slurm\\/v0.0.").append(m).append("\\/ping\":{},\"/slurm/v0.0.").append(m).append("/job/{job_id}\":{},");
        }
        return paths.append("\"/openapi/v3\":{}}}").toString();
    }

    @Test
    void speaksTheNewestVersionBothKnowAndDecodesWhatSlurm2205Answered() throws Exception {
        answer(200, fixture("observed-22.05/openapi.json"));
        answer(200, fixture("observed-22.05/job-failed-exit3.json"));
        SlurmClient client = client(Retry.STANDARD);
        JobStatus failed = client.job(1);
        assertEquals("v0.0.38", client.version());
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(Optional.of(new ExitStatus(3, 0)), failed.exit(), "768 is exit status 3");
        assertEquals("NonZeroExitCode", failed.reason());
        assertEquals("/tmp/t-1.out", failed.outputFile());
        assertEquals("cpu=1,mem=512M,node=1,billing=1", failed.tres());
        assertTrue(failed.ended().isPresent() && failed.started().isPresent());
        RecordedRequest negotiation = server.takeRequest();
        assertEquals("/openapi/v3", negotiation.getPath());
        RecordedRequest get = server.takeRequest();
        assertEquals("/slurm/v0.0.38/job/1", get.getPath());
        assertEquals("alice", get.getHeader("X-SLURM-USER-NAME"));
        assertEquals(TOKEN, get.getHeader("X-SLURM-USER-TOKEN"));

        answer(200, fixture("observed-22.05/job-running.json"));
        JobStatus running = client.job(2);
        assertEquals(JobState.RUNNING, running.state());
        assertEquals(Optional.empty(), running.exit());
        assertEquals(Optional.empty(), running.ended(), "a running job's end_time is only Slurm's estimate");
        answer(200, fixture("observed-22.05/job-cancelled.json"));
        JobStatus cancelled = client.job(2);
        assertEquals(new ExitStatus(0, 15), cancelled.exit().orElseThrow(), "cancelled: SIGTERM");
        assertEquals(1, cancelled.waitExitCode(), "a cancelled job has no exit code of its own");
        assertEquals(3, failed.waitExitCode(), "a waiting command passes the job's exit code through, as sbatch --wait does");

        assertEquals(ExitStatus.fromWaitStatus(9), new ExitStatus(0, 9));
        assertEquals("3", ExitStatus.fromWaitStatus(768).toString());

        server.shutdown();
        server = new MockWebServer();
        server.start();
        answer(200, openapi(37, 38, 40, 41, 42, 43));
        assertEquals("v0.0.42", client(Retry.STANDARD).version(), "the newest both sides know");
        answer(200, openapi(43, 44));
        SlurmRequestException none = assertThrows(SlurmRequestException.class, () -> client(Retry.STANDARD).version());
        assertTrue(none.getMessage().contains("serves API versions [v0.0.43, v0.0.44] but keel speaks [v0.0.38, v0.0.40, v0.0.41, "
                + "v0.0.42]"), none.getMessage());
    }

    @Test
    void submitBodiesFollowEachVersionsShape() {
        JobRequest request = new JobRequest("#!/bin/bash\nsrun hostname\n", "train-digits", Optional.of("gpu"), Optional.empty(),
                Optional.empty(), 2, 4, 3, 4, Optional.of(64_000L), Optional.of(90), Optional.of("0-3%2"), Optional.of("afterok:41"), true,
                Map.of("KEEL_ACTOR", "alice"), "/work", "/work/logs/%x-%j.out", Optional.empty(), Optional.of(120));
        JsonNode v38 = Dialect.of(38).submitBody(request);
        assertEquals("#!/bin/bash\nsrun hostname\n", v38.get("script").asText());
        JsonNode job38 = v38.get("job");
        assertEquals("[2,2]", job38.get("nodes").toString());
        assertEquals(8, job38.get("tasks").asInt());
        assertEquals("gpu:4", job38.get("gres").asText());
        assertEquals(90, job38.get("time_limit").asInt());
        assertEquals("alice", job38.get("environment").get("KEEL_ACTOR").asText());
        assertFalse(job38.has("signal"), "22.05 would signal the job steps, not the batch script: the script warns itself");

        JsonNode v41 = Dialect.of(41).submitBody(request);
        JsonNode job41 = v41.get("job");
        assertFalse(v41.has("script"));
        assertEquals("#!/bin/bash\nsrun hostname\n", job41.get("script").asText());
        assertEquals("[\"KEEL_ACTOR=alice\"]", job41.get("environment").toString());
        assertEquals("2", job41.get("nodes").asText());
        assertEquals("gres/gpu:4", job41.get("tres_per_node").asText());
        assertEquals("{\"set\":true,\"infinite\":false,\"number\":90}", job41.get("time_limit").toString());
        assertEquals("{\"set\":true,\"infinite\":false,\"number\":64000}", job41.get("memory_per_node").toString());
        assertEquals("[\"BATCH_JOB\"]", job41.get("kill_warning_flags").toString());
        assertEquals("SIGUSR1", job41.get("kill_warning_signal").asText());
        assertEquals(120, job41.get("kill_warning_delay").get("number").asInt());
        assertEquals("#!/bin/bash\nsrun hostname\n", Dialect.of(40).submitBody(request).get("script").asText());
    }

    @Test
    void decodesTheV040ShapesOfNewerSlurm() throws Exception {
        answer(200, fixture("v0.0.40/openapi.json"));
        answer(200, fixture("v0.0.40/job-failed-exit3.json"));
        SlurmClient client = client(Retry.STANDARD);
        JobStatus failed = client.job(1236);
        assertEquals("v0.0.40", client.version());
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(new ExitStatus(3, 0), failed.exit().orElseThrow());
        assertEquals(Instant.ofEpochSecond(1717000087), failed.ended().orElseThrow());
        assertEquals(Optional.empty(), failed.arrayJobId(), "array_job_id 0 means not an array");
        assertEquals(Optional.empty(), failed.arrayTaskId(), "unset");
        assertEquals("/home/alice/logs/flaky-step-1236.out", failed.outputFile());
        answer(200, fixture("v0.0.40/job-running.json"));
        JobStatus running = client.job(1234);
        assertEquals(JobState.RUNNING, running.state());
        assertEquals(Optional.empty(), running.exit(), "a running job's SUCCESS/0 is not an exit");
        assertEquals(Optional.empty(), running.ended());
        answer(200, fixture("v0.0.40/ping.json"));
        assertEquals(List.of("slurmctl UP"), client.ping());
        answer(404, fixture("v0.0.40/error-invalid-job.json"));
        SlurmRequestException unknown = assertThrows(SlurmRequestException.class, () -> client.job(999999));
        assertTrue(unknown.getMessage().contains("(HTTP 404): Unable to query JobId=999999 (Invalid job id specified) [2017]"),
                unknown.getMessage());
        answer(200, fixture("v0.0.40/submit-response.json"));
        assertEquals(1240, client.submit(JobRequest.of("#!/bin/bash\ntrue\n", "sweep", Map.of(), "/tmp", "/tmp/%j.out")));
    }

    @Test
    void aDaemonThatDoesNotAnswerIsRetriedWithBackoffThenExit5() throws Exception {
        answer(200, openapi(38));
        answer(503, "");
        answer(502, "<html>bad gateway</html>");
        answer(200, fixture("observed-22.05/job-running.json"));
        assertEquals(JobState.RUNNING, client(Retry.STANDARD).job(2).state());
        assertEquals(4, server.getRequestCount());
        assertEquals(2, waits.size());
        assertTrue(waits.get(0).toMillis() <= 250 && waits.get(1).toMillis() <= 500, waits::toString);

        waits.clear();
        server.shutdown();
        server = new MockWebServer();
        server.start();
        answer(200, openapi(38));
        for (int i = 0; i < 4; i++) {
            answer(500, fixture("observed-22.05/error-controller-down.json"));
        }
        Retry four = new Retry(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));
        ExternalSystemException down = assertThrows(ExternalSystemException.class, () -> client(four).ping());
        assertEquals(ExitCode.EXTERNAL_UNAVAILABLE, down.exitCode());
        assertTrue(down.getMessage().contains("did not answer GET /slurm/v0.0.38/ping after 4 attempt(s) (last: HTTP 500 slurmctld "
                + "config is unable to load)"), down.getMessage());
        assertEquals(3, waits.size(), "a wait between tries, none after the last");
        assertFalse(down.getMessage().contains(TOKEN));

        int port = server.getPort();
        server.shutdown();
        SlurmClient refused = new SlurmClient("http://127.0.0.1:" + port, "alice", TOKEN, new OkHttpClient(), four, waits::add,
                new Random(1), Clock.fixed(NOW, ZoneOffset.UTC));
        ExternalSystemException unreachable = assertThrows(ExternalSystemException.class, refused::ping);
        assertTrue(unreachable.getMessage().contains("after 4 attempt(s) (last: ConnectException"), unreachable.getMessage());
    }

    @Test
    void refusalsThatRetryingCannotFixAreNotRetried() throws Exception {
        answer(200, openapi(38));
        answer(500, fixture("observed-22.05/error-invalid-job.json"));
        SlurmRequestException unknown = assertThrows(SlurmRequestException.class, () -> client(Retry.STANDARD).job(999));
        assertTrue(unknown.getMessage().contains("Unable to find JobId=999 (Invalid job id specified) [2017]"), unknown.getMessage());
        assertEquals(2, server.getRequestCount());

        answer(200, openapi(38));
        answer(200, "{\"job_id\": 12, \"errors\": [{\"error_code\": 2015, \"error\": \"Requested node configuration is not "
                + "available\"}]}");
        SlurmClient client = client(Retry.STANDARD);
        SlurmRequestException impossible = assertThrows(SlurmRequestException.class, () -> client.submit(JobRequest.of(
                "#!/bin/bash\ntrue\n", "t", Map.of(), "/tmp", "/tmp/t-%j.out")));
        assertTrue(impossible.getMessage().contains("Requested node configuration is not available"), impossible.getMessage());
        server.takeRequest();
        server.takeRequest();
        server.takeRequest();
        assertEquals("application/json", server.takeRequest().getHeader("Content-Type"),
                "exactly: slurmrestd 22.05 answers 400 to application/json; charset=utf-8");
    }

    @Test
    void malformedAnswersNameTheField() {
        answer(200, openapi(38));
        answer(200, "{\"jobs\": [{\"job_state\": \"RUNNING\"}], \"errors\": []}");
        MalformedResponseException noId = assertThrows(MalformedResponseException.class, () -> client(Retry.STANDARD).job(5));
        assertEquals("Malformed answer from slurmrestd: job has no field 'job_id'", noId.getMessage());
        answer(200, openapi(38));
        answer(200, "{\"jobs\": [{\"job_id\": 5, \"job_state\": \"FAILED\", \"exit_code\": \"bad\"}]}");
        MalformedResponseException badExit = assertThrows(MalformedResponseException.class, () -> client(Retry.STANDARD).job(5));
        assertEquals("Malformed answer from slurmrestd: job 5 field 'exit_code' is not an integer: \"bad\"", badExit.getMessage());
        answer(200, openapi(38));
        answer(200, "not json");
        assertThrows(MalformedResponseException.class, () -> client(Retry.STANDARD).job(5));
    }

    @Test
    void tokensThatCannotWorkAreRefusedBeforeTheyAreSent() {
        SlurmAuthenticationException expired = assertThrows(SlurmAuthenticationException.class, () -> new SlurmClient(
                server.url("/").toString(), "alice", jwt("alice", NOW.minusSeconds(60)), new OkHttpClient(), Retry.STANDARD, waits::add,
                new Random(1), Clock.fixed(NOW, ZoneOffset.UTC)));
        assertTrue(expired.getMessage().startsWith("The Slurm token expired at 2026-11-23T11:59:00Z"), expired.getMessage());
        assertEquals(ExitCode.USAGE, expired.exitCode());
        SlurmAuthenticationException other = assertThrows(SlurmAuthenticationException.class, () -> new SlurmClient(
                server.url("/").toString(), "alice", jwt("bob", NOW.plusSeconds(60)), new OkHttpClient(), Retry.STANDARD, waits::add,
                new Random(1), Clock.fixed(NOW, ZoneOffset.UTC)));
        assertTrue(other.getMessage().contains("issued to 'bob' but keel acts as 'alice'"), other.getMessage());
        assertThrows(SlurmAuthenticationException.class, () -> new SlurmClient(server.url("/").toString(), "alice", "not-a-token",
                new OkHttpClient(), Retry.STANDARD, waits::add, new Random(1), Clock.fixed(NOW, ZoneOffset.UTC)));
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        SlurmClient waiting = new SlurmClient(server.url("/").toString(), "alice", jwt("alice", NOW.plusSeconds(60)), new OkHttpClient(),
                Retry.STANDARD, waits::add, new Random(1), moving);
        now.set(NOW.plusSeconds(61));
        SlurmAuthenticationException outlived = assertThrows(SlurmAuthenticationException.class, waiting::ping);
        assertTrue(outlived.getMessage().contains("expired at 2026-11-23T12:01:00Z while keel was still working with Slurm"),
                "a wait that outlives its token says so instead of sending it (22.05 answers 'Unable to find JobId'): "
                        + outlived.getMessage());
        assertEquals(0, server.getRequestCount());

        server.enqueue(new MockResponse().setResponseCode(401).setBody("Authentication failure"));
        SlurmAuthenticationException refused = assertThrows(SlurmAuthenticationException.class, () -> client(Retry.STANDARD).ping());
        assertTrue(refused.getMessage().contains("refused user 'alice' (HTTP 401)"), refused.getMessage());
        assertFalse(refused.getMessage().contains(TOKEN));
    }

    private static String jwt(String user, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"exp\":" + expires.getEpochSecond() + ",\"iat\":" + (expires.getEpochSecond() - 3600)
                        + ",\"sun\":\"" + user + "\"}").getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[32]);
    }
}
