package dev.keel.slurm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.keel.error.ExternalSystemException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A client of slurmrestd. It reads {@code /openapi/v3} once and speaks the newest API version
 * both sides know (v0.0.38 of Slurm 22.05; v0.0.40-0.0.42 of 23.11 and later). Every request
 * carries the user name and JWT in slurmrestd's headers; the token is never logged or put in a
 * message. A daemon that does not answer is retried ({@link Retry}), then reported with exit 5; a
 * token that is malformed, expired or for another user is refused before it is sent.
 */
public final class SlurmClient {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final Pattern PATH_VERSION = Pattern.compile("/slurm/v0\\.0\\.(\\d+)/");
    private static final List<Integer> SPOKEN = List.of(38, 40, 41, 42);

    private final HttpUrl base;
    private final String user;
    private final String token;
    private final OkHttpClient http;
    private final Retry retry;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Clock clock;
    private final Optional<Instant> expires;
    private Dialect dialect;

    /** Waits between tries; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public SlurmClient(String baseUrl, String user, String token, OkHttpClient http, Retry retry, Sleeper sleeper, RandomGenerator random,
            Clock clock) {
        HttpUrl parsed = HttpUrl.parse(requireNonNull(baseUrl, "baseUrl"));
        if (parsed == null) {
            throw new IllegalArgumentException("Cannot reach slurmrestd: invalid URL " + baseUrl);
        }
        this.base = parsed;
        this.user = requireNonNull(user, "user");
        this.token = requireNonNull(token, "token");
        this.http = requireNonNull(http, "http");
        this.retry = requireNonNull(retry, "retry");
        this.sleeper = requireNonNull(sleeper, "sleeper");
        this.random = requireNonNull(random, "random");
        this.clock = requireNonNull(clock, "clock");
        this.expires = checkToken();
    }

    /** The API version in use, e.g. {@code v0.0.38}: the newest the daemon serves and this client speaks. */
    public String version() {
        return dialect().version();
    }

    /** Every controller's answer to ping, e.g. {@code localhost UP}. */
    public List<String> ping() {
        JsonNode body = call("GET", path("ping"), null);
        List<String> pings = new ArrayList<>();
        Json.field(body, "pings", "ping").forEach(p -> pings.add(Json.textOrEmpty(p, "hostname") + " " + p.path("pinged").asText(
                p.path("ping").asText("?"))));
        return pings;
    }

    /** Submits {@code request}; returns the job id. A job Slurm accepts but can never run is refused here. */
    public long submit(JobRequest request) {
        JsonNode body = call("POST", path("job/submit"), dialect().submitBody(request));
        return Json.integer(body, "job_id", "the submit answer");
    }

    public JobStatus job(long id) {
        JsonNode jobs = Json.field(call("GET", path("job/" + id), null), "jobs", "job " + id);
        if (!jobs.isArray() || jobs.isEmpty()) {
            throw new SlurmRequestException("Slurm has no job " + id + ": it never existed or ended more than MinJobAge ago");
        }
        return dialect().job(jobs.get(0));
    }

    /** Every job Slurm still shows for this client's user, newest first. */
    public List<JobStatus> jobs() {
        List<JobStatus> mine = new ArrayList<>();
        Json.field(call("GET", path("jobs"), null), "jobs", "jobs").forEach(j -> {
            JobStatus s = dialect().job(j);
            if (s.user().equals(user)) {
                mine.add(s);
            }
        });
        mine.sort((a, b) -> Long.compare(b.jobId(), a.jobId()));
        return mine;
    }

    public void cancel(long id) {
        call("DELETE", path("job/" + id), null);
    }

    /**
     * Every task of the job array {@code id} (one job for a plain job). Tasks Slurm has not split
     * off yet appear as one pending record.
     */
    public List<JobStatus> tasks(long id) {
        JsonNode jobs = Json.field(call("GET", path("job/" + id), null), "jobs", "job " + id);
        if (!jobs.isArray() || jobs.isEmpty()) {
            throw new SlurmRequestException("Slurm has no job " + id + ": it never existed or ended more than MinJobAge ago");
        }
        List<JobStatus> tasks = new ArrayList<>();
        jobs.forEach(j -> tasks.add(dialect().job(j)));
        tasks.sort(Comparator.comparing((JobStatus t) -> t.arrayTaskId().orElse(Long.MAX_VALUE)));
        return tasks;
    }

    /**
     * Polls {@code id} until it is in a terminal state, backing off from 1 s to 15 s between polls,
     * telling {@code onChange} each time its state or reason changes.
     *
     * @throws ExternalSystemException when it is still running after {@code timeout}
     */
    public JobStatus await(long id, Duration timeout, Consumer<JobStatus> onChange) {
        return poll(id, () -> List.of(job(id)), timeout, onChange).get(0);
    }

    /** As {@link #await}, for every task of the job array {@code id}. */
    public List<JobStatus> awaitAll(long id, Duration timeout, Consumer<JobStatus> onChange) {
        return poll(id, () -> tasks(id), timeout, onChange);
    }

    private List<JobStatus> poll(long id, Supplier<List<JobStatus>> read, Duration timeout,
            Consumer<JobStatus> onChange) {
        Instant until = clock.instant().plus(timeout);
        Duration pause = Duration.ofSeconds(1);
        Map<Long, String> last = new HashMap<>();
        while (true) {
            List<JobStatus> all = read.get();
            for (JobStatus s : all) {
                String now = s.state() + " " + s.reason();
                if (!now.equals(last.put(s.jobId(), now))) {
                    onChange.accept(s);
                }
            }
            Optional<JobStatus> running = all.stream().filter(s -> !s.state().terminal()).findFirst();
            if (running.isEmpty()) {
                return all;
            }
            if (clock.instant().isAfter(until)) {
                throw new ExternalSystemException("Slurm job " + id + " is still " + running.get().state() + " after "
                        + timeout.toSeconds() + " s of waiting: wait again with 'keel slurm wait " + id + "' or cancel it");
            }
            pause(pause);
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15) : pause.multipliedBy(2);
        }
    }

    private Dialect dialect() {
        if (dialect == null) {
            HttpUrl openapi = base.newBuilder().addPathSegments("openapi/v3").build();
            String document = raw("GET", openapi, null);
            TreeSet<Integer> served = new TreeSet<>();
            try {
                Json.MAPPER.readTree(document).path("paths").fieldNames().forEachRemaining(path -> {
                    Matcher m = PATH_VERSION.matcher(path);
                    if (m.lookingAt()) {
                        served.add(Integer.parseInt(m.group(1)));
                    }
                });
            } catch (IOException e) {
                throw new MalformedResponseException("GET " + openapi.encodedPath() + " answered with text that is not JSON: "
                        + abbreviate(document));
            }
            Optional<Integer> common = served.descendingSet().stream().filter(SPOKEN::contains).findFirst();
            if (common.isEmpty()) {
                throw new SlurmRequestException("slurmrestd at " + base + " serves API versions " + (served.isEmpty() ? "none under /slurm/"
                        : served.stream().map(v -> "v0.0." + v).toList()) + " but keel speaks " + SPOKEN.stream().map(v -> "v0.0." + v)
                                .toList() + ": start slurmrestd with -s openapi/v0.0.38 (22.05) or a data parser keel speaks");
            }
            dialect = Dialect.of(common.get());
        }
        return dialect;
    }

    private HttpUrl path(String rest) {
        return base.newBuilder().addPathSegments("slurm/" + dialect().version() + "/" + rest).build();
    }

    private JsonNode call(String method, HttpUrl url, JsonNode body) {
        String text = raw(method, url, body);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new MalformedResponseException(method + " " + url.encodedPath() + " answered with text that is not JSON: "
                    + abbreviate(text));
        }
        if (json == null || !json.isObject()) {
            throw new MalformedResponseException(method + " " + url.encodedPath() + " answered with JSON that is not an object");
        }
        List<String> errors = errors(json);
        if (!errors.isEmpty()) {
            throw new SlurmRequestException("Slurm refused " + method + " " + url.encodedPath() + ": " + String.join("; ", errors));
        }
        return json;
    }

    /** The body of a successful answer, after retrying failures that may pass. */
    private String raw(String method, HttpUrl url, JsonNode body) {
        Instant deadline = clock.instant().plus(retry.deadline());
        String last = "";
        for (int attempt = 1; ; attempt++) {
            // Slurm 22.05 answers an expired token with 500s that name no token ("Unable to find JobId"), so look first.
            if (expires.isPresent() && expires.get().isBefore(clock.instant())) {
                throw new SlurmAuthenticationException("The Slurm token expired at " + expires.get() + " while keel was still working "
                        + "with Slurm: give a token that outlives the wait ('scontrol token username=" + user + " lifespan=SECONDS')");
            }
            Request.Builder request = new Request.Builder().url(url).header("X-SLURM-USER-NAME", user).header("X-SLURM-USER-TOKEN", token);
            // Bytes, not a String: OkHttp would append "; charset=utf-8", which slurmrestd 22.05 rejects as unparseable.
            request.method(method, body == null ? (method.equals("POST") ? RequestBody.create(new byte[0], JSON) : null)
                    : RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), JSON));
            try (Response response = http.newCall(request.build()).execute()) {
                String text = response.body() == null ? "" : response.body().string();
                int code = response.code();
                if (code == 401 || code == 403) {
                    throw new SlurmAuthenticationException("slurmrestd at " + base + " refused user '" + user + "' (HTTP " + code
                            + "): set the Slurm user (slurm.user) and a valid token (KEEL_SLURM_JWT or slurm.jwt.file, from "
                            + "'scontrol token username=" + user + "')");
                }
                if (code >= 200 && code < 300) {
                    return text;
                }
                List<String> errors = errorsOf(text);
                if (code < 500 || errors.stream().anyMatch(SlurmClient::definite)) {
                    throw new SlurmRequestException("Slurm refused " + method + " " + url.encodedPath() + " (HTTP " + code + "): "
                            + (errors.isEmpty() ? abbreviate(text) : String.join("; ", errors)));
                }
                last = "HTTP " + code + (errors.isEmpty() ? "" : " " + String.join("; ", errors));
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            Duration wait = Duration.ofMillis((long) (random.nextDouble() * retry.cap(attempt).toMillis()));
            if (attempt >= retry.attempts() || clock.instant().plus(wait).isAfter(deadline)) {
                throw new ExternalSystemException("slurmrestd at " + base + " did not answer " + method + " " + url.encodedPath() + " after "
                        + attempt + " attempt(s) (last: " + last + "): check that slurmctld and slurmrestd run ('scontrol ping'; "
                        + "scripts/slurm-local.sh status) and that the token is valid (Slurm 22.05 answers a wrongly signed token "
                        + "with 500 too)");
            }
            pause(wait);
        }
    }

    /** Errors that retrying cannot fix: an unknown job, an invalid request. */
    private static boolean definite(String error) {
        return error.contains("(Invalid job id specified)") || error.contains("Requested node configuration is not available")
                || error.contains("[2017]") || error.contains("[2015]");
    }

    private static List<String> errorsOf(String text) {
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            return json == null ? List.of() : errors(json);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> errors(JsonNode json) {
        List<String> out = new ArrayList<>();
        json.path("errors").forEach(e -> {
            String description = Json.textOrEmpty(e, "description");
            String error = Json.textOrEmpty(e, "error");
            String number = e.has("error_number") ? e.get("error_number").asText() : e.path("error_code").asText("");
            out.add((description.isEmpty() ? error : description + (error.isEmpty() || error.equals("Unspecified error") ? ""
                    : " (" + error + ")")) + (number.isEmpty() || number.equals("-1") ? "" : " [" + number + "]"));
        });
        return out;
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExternalSystemException("Interrupted while waiting for slurmrestd at " + base);
        }
    }

    /** Refuses a token that cannot work before it is sent: not a JWT, expired, or issued to another user. */
    /** Checks the token's shape, expiry and user; returns when it expires, if it says. */
    private Optional<Instant> checkToken() {
        String[] parts = token.split("\\.");
        if (token.isBlank() || parts.length != 3) {
            throw new SlurmAuthenticationException("The Slurm token is not a JWT (three dot-separated parts): set KEEL_SLURM_JWT or "
                    + "slurm.jwt.file to the value 'scontrol token username=" + user + "' prints after SLURM_JWT=");
        }
        JsonNode claims;
        try {
            claims = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new SlurmAuthenticationException("The Slurm token's claims cannot be read: get a new one with 'scontrol token "
                    + "username=" + user + "'");
        }
        Optional<Instant> exp = claims.has("exp") ? Optional.of(Instant.ofEpochSecond(claims.get("exp").asLong())) : Optional.empty();
        if (exp.isPresent() && exp.get().isBefore(clock.instant())) {
            throw new SlurmAuthenticationException("The Slurm token expired at " + exp.get() + ": get a new one with 'scontrol token "
                    + "username=" + user + " lifespan=SECONDS'");
        }
        if (claims.has("sun") && !claims.get("sun").asText().equals(user) && !claims.get("sun").asText().equals("root")) {
            throw new SlurmAuthenticationException("The Slurm token was issued to '" + claims.get("sun").asText() + "' but keel acts as '"
                    + user + "': get a token for " + user + " or set slurm.user");
        }
        return exp;
    }

    private static String abbreviate(String text) {
        String one = text.replaceAll("\\s+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }
}
