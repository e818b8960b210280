package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.keel.error.UsageException;

/**
 * The effective, validated configuration of one keel invocation: every key's value and where
 * it came from. Built by {@link ConfigLoader}; immutable.
 */
public final class KeelConfig {

    /**
     * One effective value.
     *
     * @param key the key name
     * @param value the value after interpolation; for a secret, the secret itself (never print it)
     * @param source where it came from
     * @param secret whether it must be masked
     */
    public record Entry(String key, String value, ConfigSource source, boolean secret) {
        public Entry {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
            requireNonNull(source, "source");
        }

        /** The value as it may be shown to a person. */
        public String displayValue() {
            return secret ? "******" : value;
        }
    }

    private final Map<String, Entry> entries;

    KeelConfig(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    /** A configuration from plain key-value pairs, all attributed to {@code --set}; for tests and embedding. */
    public static KeelConfig of(Map<String, String> values) {
        return new ConfigLoader(Optional.empty(), Map.of(), new java.util.Properties())
                .load(Optional.empty(), values);
    }

    public Optional<String> find(ConfigKey key) {
        return find(key.name());
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(entries.get(key)).filter(e -> !e.secret()).map(Entry::value);
    }

    /** The value of a key that has a default, or fails naming the key when it has none. */
    public String get(ConfigKey key) {
        return find(key).orElseThrow(() -> new UsageException(
                "Missing configuration " + key.name() + ": set it with --set " + key.name() + "=... or "
                        + key.environmentVariable()));
    }

    public boolean getBoolean(ConfigKey key) {
        return Boolean.parseBoolean(get(key).trim().toLowerCase(Locale.ROOT));
    }

    public long getLong(ConfigKey key) {
        return Long.parseLong(get(key).trim());
    }

    public int getInt(ConfigKey key) {
        return Math.toIntExact(getLong(key));
    }

    public Optional<Secret> secret(ConfigKey key) {
        if (!key.secret()) {
            throw new IllegalArgumentException("Cannot read " + key.name() + " as a secret: it is not declared secret");
        }
        return Optional.ofNullable(entries.get(key.name())).map(e -> new Secret(e.value()));
    }

    public Optional<ConfigSource> sourceOf(String key) {
        return Optional.ofNullable(entries.get(key)).map(Entry::source);
    }

    /** Every effective entry, sorted by key. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Entries whose key starts with {@code prefix}, keyed by full name, secrets excluded. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        entries.values().stream()
                .filter(e -> e.key().startsWith(prefix) && !e.secret())
                .forEach(e -> result.put(e.key(), e.value()));
        return result;
    }

    /**
     * A SHA-256 over every hashed key and value, secrets and machine-specific keys excluded, so that
     * two runs with the same effective settings record the same hash.
     */
    public String hash() {
        StringBuilder canonical = new StringBuilder();
        for (Entry e : entries.values()) {
            boolean hashed = ConfigKeys.find(e.key()).map(ConfigKey::hashed).orElse(!e.secret());
            if (hashed && !e.secret()) {
                canonical.append(e.key()).append('=').append(e.value()).append('\n');
            }
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
