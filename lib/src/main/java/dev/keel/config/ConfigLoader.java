package dev.keel.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookup;

import dev.keel.config.ConfigSource.Layer;
import dev.keel.config.KeelConfig.Entry;
import dev.keel.error.UsageException;

/**
 * Builds the effective configuration from its layers, highest precedence first: {@code --set},
 * environment {@code KEEL_*}, Java system properties, the {@code --conf} file (with its
 * {@code include}s), the overlay {@code conf/env/<keel.env>.properties}, {@code conf/keel.properties},
 * and the built-in defaults of {@link ConfigKeys}.
 *
 * <p>Values may reference other keys as {@code ${lake.root}} and environment variables as
 * {@code ${env:HOME}}. Every value is validated here, before any Spark work starts: an unknown key
 * under a keel prefix, a value of the wrong type, or a secret given where it could leak fails with
 * a {@link UsageException} naming the key, the value, its source and what is allowed.
 */
public final class ConfigLoader {
    private final Optional<Path> keelHome;
    private final Map<String, String> environment;
    private final Properties systemProperties;

    /**
     * @param keelHome installation directory whose {@code conf/} holds the defaults file and overlays;
     *     empty to use only built-in defaults
     * @param environment the process environment
     * @param systemProperties the JVM's system properties
     */
    public ConfigLoader(Optional<Path> keelHome, Map<String, String> environment, Properties systemProperties) {
        this.keelHome = requireNonNull(keelHome, "keelHome");
        this.environment = Map.copyOf(requireNonNull(environment, "environment"));
        this.systemProperties = requireNonNull(systemProperties, "systemProperties");
    }

    /** A loader for this process: {@code keel.home} from the system property or {@code KEEL_HOME}. */
    public static ConfigLoader forProcess() {
        String home = System.getProperty(ConfigKeys.KEEL_HOME.name(), System.getenv("KEEL_HOME"));
        return new ConfigLoader(Optional.ofNullable(home).map(Path::of), System.getenv(), System.getProperties());
    }

    /**
     * @param confFile the {@code --conf} file, if given
     * @param sets the {@code --set key=value} pairs, in order (a later one wins)
     */
    public KeelConfig load(Optional<Path> confFile, Map<String, String> sets) {
        List<RawLayer> upper = new ArrayList<>();
        upper.add(RawLayer.uniform(Layer.SET, "", sets));
        upper.add(environmentLayer());
        upper.add(systemPropertyLayer());
        confFile.ifPresent(f -> upper.add(fileLayer(Layer.CONF_FILE, f, true)));

        List<RawLayer> lower = new ArrayList<>();
        Optional<Path> defaultsFile = keelHome.map(h -> h.resolve("conf").resolve("keel.properties"));
        defaultsFile.filter(Files::isRegularFile).ifPresent(f -> lower.add(fileLayer(Layer.DEFAULTS_FILE, f, false)));
        lower.add(builtInLayer());

        Optional<RawLayer> overlay = overlayLayer(upper, lower);

        List<RawLayer> layers = new ArrayList<>(upper);
        overlay.ifPresent(layers::add);
        layers.addAll(lower);

        Map<String, RawValue> raw = new LinkedHashMap<>();
        for (RawLayer layer : layers) {
            layer.values().forEach((key, value) -> raw.putIfAbsent(key, value));
        }
        Map<String, Entry> resolved = resolve(raw);
        validate(resolved);
        return new KeelConfig(resolved);
    }

    /** Checks every entry; the first problem fails the whole load. */
    static void validate(Map<String, Entry> entries) {
        for (Entry e : entries.values()) {
            Optional<ConfigKey> key = ConfigKeys.find(e.key());
            if (key.isEmpty()) {
                if (ConfigKeys.isKeelKey(e.key())) {
                    throw new UsageException("Unknown configuration key '" + e.key() + "' (from " + e.source().describe()
                            + "): did you mean '" + ConfigKeys.nearest(e.key()) + "'? 'keel config show' lists every key");
                }
                continue;
            }
            ConfigKey k = key.get();
            if (!k.type().accepts().test(e.value())) {
                throw new UsageException("Invalid value '" + e.displayValue() + "' for " + k.name() + " (from "
                        + e.source().describe() + "): expected " + k.type().description());
            }
        }
    }

    private Map<String, Entry> resolve(Map<String, RawValue> raw) {
        Map<String, String> plain = new LinkedHashMap<>();
        raw.forEach((k, v) -> plain.put(k, v.value()));
        StringLookup keyOrEnv = name -> name.startsWith("env:") ? environment.get(name.substring(4)) : plain.get(name);
        StringSubstitutor substitutor = new StringSubstitutor(keyOrEnv);
        substitutor.setEnableSubstitutionInVariables(false);
        substitutor.setEnableUndefinedVariableException(true);

        Map<String, Entry> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, RawValue> e : raw.entrySet()) {
            String key = e.getKey();
            RawValue v = e.getValue();
            Optional<ConfigKey> declared = ConfigKeys.find(key);
            boolean secret = declared.map(ConfigKey::secret).orElse(false);
            if (secret && v.source().layer() != Layer.ENVIRONMENT) {
                ConfigKey k = declared.get();
                throw new UsageException("Secret " + key + " must not be given in " + v.source().describe()
                        + " (it would be visible to others): export " + k.environmentVariable() + " or set "
                        + k.fileKey() + " to a file that holds it");
            }
            String value;
            try {
                value = secret ? v.value() : substitutor.replace(v.value());
            } catch (IllegalArgumentException ex) {
                throw new UsageException("Cannot resolve " + key + "='" + v.value() + "' (from " + v.source().describe()
                        + "): " + ex.getMessage() + "; define the referenced key or environment variable");
            }
            resolved.put(key, new Entry(key, value.trim(), v.source(), secret));
        }
        for (ConfigKey k : ConfigKeys.ALL) {
            if (k.secret() && !resolved.containsKey(k.name()) && resolved.containsKey(k.fileKey())) {
                Entry file = resolved.get(k.fileKey());
                resolved.put(k.name(), new Entry(k.name(), readSecretFile(k, file), file.source(), true));
            }
        }
        return resolved;
    }

    private static String readSecretFile(ConfigKey key, Entry file) {
        Path path = Path.of(file.value());
        try {
            return Files.readString(path, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UsageException("Cannot read " + key.name() + " from " + key.fileKey() + "=" + path + " (from "
                    + file.source().describe() + "): " + e.getClass().getSimpleName() + "; check the path and its permissions");
        }
    }

    private RawLayer environmentLayer() {
        Map<String, RawValue> values = new LinkedHashMap<>();
        environment.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                ConfigKeys.keyOfEnvironmentVariable(e.getKey())
                        .filter(k -> ConfigKeys.isKeelKey(k) || ConfigKeys.isSparkKey(k))
                        .ifPresent(k -> values.put(k, new RawValue(e.getValue(),
                                new ConfigSource(Layer.ENVIRONMENT, e.getKey())))));
        return new RawLayer(values);
    }

    private RawLayer systemPropertyLayer() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (ConfigKeys.isKeelKey(name) || ConfigKeys.isSparkKey(name)) {
                values.put(name, systemProperties.getProperty(name));
            }
        }
        return RawLayer.uniform(Layer.SYSTEM_PROPERTY, "", values);
    }

    private RawLayer builtInLayer() {
        Map<String, String> values = new LinkedHashMap<>();
        ConfigKeys.ALL.forEach(k -> k.defaultValue().ifPresent(d -> values.put(k.name(), d)));
        keelHome.ifPresent(h -> values.put(ConfigKeys.KEEL_HOME.name(), h.toAbsolutePath().normalize().toString()));
        return RawLayer.uniform(Layer.BUILT_IN, "", values);
    }

    private Optional<RawLayer> overlayLayer(List<RawLayer> upper, List<RawLayer> lower) {
        String key = ConfigKeys.KEEL_ENV.name();
        Optional<RawValue> chosen = upper.stream().map(l -> l.values().get(key)).filter(v -> v != null).findFirst()
                .or(() -> lower.stream().map(l -> l.values().get(key)).filter(v -> v != null).findFirst());
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        String name = chosen.get().value().trim();
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new UsageException("Invalid value '" + name + "' for keel.env (from " + chosen.get().source().describe()
                    + "): expected a name of lower-case letters, digits, '-' and '_'");
        }
        Path envDir = keelHome.map(h -> h.resolve("conf").resolve("env")).orElse(Path.of("conf", "env"));
        Path file = envDir.resolve(name + ".properties");
        if (!Files.isRegularFile(file)) {
            throw new UsageException("keel.env=" + name + " (from " + chosen.get().source().describe() + ") but "
                    + file + " does not exist: create it or choose one of " + overlaysIn(envDir));
        }
        return Optional.of(fileLayer(Layer.ENV_OVERLAY, file, false));
    }

    private static String overlaysIn(Path dir) {
        try (var files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".properties"))
                    .map(n -> n.substring(0, n.length() - ".properties".length()))
                    .sorted().toList();
            return names.isEmpty() ? "(none in " + dir + ")" : String.join(", ", names);
        } catch (IOException e) {
            return "(none: " + dir + " is not readable)";
        }
    }

    private static RawLayer fileLayer(Layer layer, Path file, boolean mustExist) {
        if (!Files.isRegularFile(file)) {
            if (mustExist) {
                throw new UsageException("Configuration file " + file + " does not exist: check the --conf path");
            }
            return new RawLayer(Map.of());
        }
        PropertiesConfiguration properties = new PropertiesConfiguration();
        FileHandler handler = new FileHandler(properties);
        handler.setFile(file.toFile());
        handler.setEncoding("UTF-8");
        try {
            handler.load();
        } catch (ConfigurationException e) {
            throw new UsageException("Cannot read configuration file " + file + ": " + rootMessage(e)
                    + "; fix the file or its include", e);
        }
        Map<String, RawValue> values = new LinkedHashMap<>();
        ConfigSource source = new ConfigSource(layer, file.toString());
        for (Iterator<String> keys = properties.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            Object value = properties.getProperty(key);
            if (value instanceof List<?> list) {
                throw new UsageException("Configuration key " + key + " is set " + list.size() + " times in " + file
                        + " or its includes: keep one");
            }
            values.put(key, new RawValue(String.valueOf(value), source));
        }
        return new RawLayer(values);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private record RawValue(String value, ConfigSource source) {
    }

    private record RawLayer(Map<String, RawValue> values) {
        static RawLayer uniform(Layer layer, String detail, Map<String, String> values) {
            Map<String, RawValue> result = new LinkedHashMap<>();
            values.forEach((k, v) -> result.put(k, new RawValue(v,
                    new ConfigSource(layer, detail.isEmpty() && layer == Layer.SYSTEM_PROPERTY ? k : detail))));
            return new RawLayer(result);
        }
    }
}
