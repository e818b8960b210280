package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A configuration key keel knows: its value type, built-in default, and whether it is a secret.
 *
 * <p>A secret key is never accepted from a place its value could leak from (command lines,
 * configuration files, system properties): only from its environment variable or from the file
 * named by its {@code <key>.file} companion key.
 *
 * @param name dotted lower-case name, e.g. {@code lake.root}
 * @param type the values it accepts
 * @param defaultValue the built-in default; may reference other keys as {@code ${lake.root}}
 * @param secret whether the value must stay out of output, logs and hashes
 * @param hashed whether the value takes part in the configuration hash recorded with every run
 * @param description one sentence for {@code keel config show --describe}
 */
public record ConfigKey(
        String name,
        ValueType type,
        Optional<String> defaultValue,
        boolean secret,
        boolean hashed,
        String description) {

    public ConfigKey {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
        requireNonNull(defaultValue, "defaultValue");
        requireNonNull(description, "description");
        if (!name.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)+")) {
            throw new IllegalArgumentException("Cannot declare key: name must be dotted lower-case, cannot be: " + name);
        }
        if (secret && defaultValue.isPresent()) {
            throw new IllegalArgumentException("Cannot declare key " + name + ": a secret has no default");
        }
    }

    static ConfigKey of(String name, ValueType type, String defaultValue, String description) {
        return new ConfigKey(name, type, Optional.ofNullable(defaultValue), false, true, description);
    }

    static ConfigKey secret(String name, String description) {
        return new ConfigKey(name, ValueType.text(), Optional.empty(), true, false, description);
    }

    /** The environment variable that sets this key: {@code lake.root} is {@code KEEL_LAKE_ROOT}. */
    public String environmentVariable() {
        return ConfigKeys.environmentVariable(name);
    }

    /** The companion key naming a file that holds this secret: {@code s3.secret.key.file}. */
    public String fileKey() {
        return name + ".file";
    }
}
