package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How keel reaches slurmrestd. An empty {@link #url()} means Slurm is not configured.
 *
 * @param url slurmrestd base URL
 * @param user the user name sent with every request, when not the actor
 * @param jwt the token, from {@code KEEL_SLURM_JWT} or {@code slurm.jwt.file}
 */
public record SlurmConfig(Optional<String> url, Optional<String> user, Optional<Secret> jwt) {
    public SlurmConfig {
        requireNonNull(url, "url");
        requireNonNull(user, "user");
        requireNonNull(jwt, "jwt");
    }

    public static SlurmConfig from(KeelConfig config) {
        return new SlurmConfig(
                config.find(ConfigKeys.SLURM_URL).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u),
                config.find(ConfigKeys.SLURM_USER),
                config.secret(ConfigKeys.SLURM_JWT));
    }
}
