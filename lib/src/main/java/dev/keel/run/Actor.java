package dev.keel.run;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Who is acting: {@code KEEL_ACTOR} when set (a service account, or a person behind a shared
 * one), else {@code SLURM_JOB_USER} inside a Slurm job, else the operating-system user.
 *
 * @param name the actor recorded in runs and audit events
 * @param source which of the three it came from
 */
public record Actor(String name, String source) {
    public Actor {
        requireNonNull(name, "name");
        requireNonNull(source, "source");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Cannot name an actor: name must not be blank");
        }
    }

    public static Actor resolve(Map<String, String> environment, String osUser) {
        String explicit = environment.get("KEEL_ACTOR");
        if (explicit != null && !explicit.isBlank()) {
            return new Actor(explicit.trim(), "KEEL_ACTOR");
        }
        String slurm = environment.get("SLURM_JOB_USER");
        if (slurm != null && !slurm.isBlank()) {
            return new Actor(slurm.trim(), "SLURM_JOB_USER");
        }
        return new Actor(osUser, "os user");
    }

    public static Actor ofProcess() {
        return resolve(System.getenv(), System.getProperty("user.name"));
    }
}
