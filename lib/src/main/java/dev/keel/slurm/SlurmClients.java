package dev.keel.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.keel.config.KeelConfig;
import dev.keel.config.SlurmConfig;
import dev.keel.error.UsageException;
import okhttp3.OkHttpClient;

/** Builds the {@link SlurmClient} the configuration describes. */
public final class SlurmClients {
    private SlurmClients() {
    }

    /**
     * A client for {@code slurm.url} acting as {@code slurm.user} (else {@code actor}), with the
     * token from {@code KEEL_SLURM_JWT} / {@code slurm.jwt.file}, else from {@code scontrol token}.
     */
    public static SlurmClient from(KeelConfig config, String actor) {
        SlurmConfig slurm = SlurmConfig.from(config);
        String url = slurm.url().orElseThrow(() -> new UsageException("slurm.url is not set: point it at slurmrestd, e.g. --set "
                + "slurm.url=http://127.0.0.1:6820 or KEEL_SLURM_URL (scripts/slurm-local.sh up starts a local one)"));
        String user = slurm.user().orElse(actor);
        String token = slurm.jwt().map(s -> s.reveal().trim()).orElseGet(() -> scontrolToken(user));
        OkHttpClient http = new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS)
                .callTimeout(60, TimeUnit.SECONDS).retryOnConnectionFailure(false).build();
        return new SlurmClient(url, user, token, http, Retry.STANDARD, d -> Thread.sleep(d.toMillis()), new SecureRandom(),
                Clock.systemUTC());
    }

    /** A token from {@code scontrol token}: what a user on a login node has without configuring one. */
    private static String scontrolToken(String user) {
        try {
            Process p = new ProcessBuilder("scontrol", "token", "username=" + user, "lifespan=" + Duration.ofHours(2).toSeconds())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("SLURM_JWT=")) {
                throw new SlurmAuthenticationException("No Slurm token: KEEL_SLURM_JWT and slurm.jwt.file are unset and 'scontrol token "
                        + "username=" + user + "' failed (" + out.lines().findFirst().orElse("no output") + "); set one of them");
            }
            return out.substring(out.indexOf("SLURM_JWT=") + "SLURM_JWT=".length()).lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            throw new SlurmAuthenticationException("No Slurm token: KEEL_SLURM_JWT and slurm.jwt.file are unset and scontrol cannot be "
                    + "run (" + e.getMessage() + "); set one of them");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlurmAuthenticationException("Interrupted while running scontrol token");
        }
    }
}
