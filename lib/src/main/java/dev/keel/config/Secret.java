package dev.keel.config;

import static java.util.Objects.requireNonNull;

/**
 * A secret value (an S3 key, a Slurm token). {@link #toString()} never shows it; only
 * {@link #reveal()} does, at the point where it is handed to a client library.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
