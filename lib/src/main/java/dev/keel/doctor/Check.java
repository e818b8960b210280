package dev.keel.doctor;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

import dev.keel.error.ExitCode;

/**
 * One line of {@code keel doctor}.
 *
 * @param name what was checked
 * @param status the outcome
 * @param detail what was found, or what is wrong and how to fix it
 * @param failure the exit code a failure maps to (empty unless FAILED)
 */
public record Check(String name, Status status, String detail, Optional<ExitCode> failure) {
    /** Outcomes of a check. */
    public enum Status { OK, FAILED, NOT_CONFIGURED }

    public Check {
        requireNonNull(name, "name");
        requireNonNull(status, "status");
        requireNonNull(detail, "detail");
        requireNonNull(failure, "failure");
    }

    public static Check ok(String name, String detail) {
        return new Check(name, Status.OK, detail, Optional.empty());
    }

    public static Check failed(String name, String detail, ExitCode exit) {
        return new Check(name, Status.FAILED, detail, Optional.of(exit));
    }

    public static Check notConfigured(String name, String detail) {
        return new Check(name, Status.NOT_CONFIGURED, detail, Optional.empty());
    }
}
