package dev.keel.registry;

import static java.util.Objects.requireNonNull;

/** One model version by name and number, written {@code NAME@VERSION}. */
public record ModelRef(String name, long version) {
    public ModelRef {
        requireNonNull(name, "name");
    }

    public static ModelRef of(ModelVersion v) {
        return new ModelRef(v.name(), v.version());
    }

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
