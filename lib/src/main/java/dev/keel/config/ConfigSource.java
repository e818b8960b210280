package dev.keel.config;

import static java.util.Objects.requireNonNull;

/**
 * Where an effective configuration value came from, for {@code keel config show} and for error
 * messages that tell the user which file or variable to fix.
 *
 * @param layer the precedence layer
 * @param detail the file, variable or option within that layer
 */
public record ConfigSource(Layer layer, String detail) {

    /** The layers, highest precedence first. */
    public enum Layer {
        SET("--set"),
        ENVIRONMENT("environment"),
        SYSTEM_PROPERTY("system property"),
        CONF_FILE("--conf file"),
        ENV_OVERLAY("environment overlay"),
        DEFAULTS_FILE("defaults file"),
        BUILT_IN("built-in default");

        private final String label;

        Layer(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public ConfigSource {
        requireNonNull(layer, "layer");
        requireNonNull(detail, "detail");
    }

    public static ConfigSource builtIn() {
        return new ConfigSource(Layer.BUILT_IN, "");
    }

    /** A short human phrase: {@code --set}, {@code environment KEEL_LAKE_ROOT}, {@code --conf file /etc/keel.properties}. */
    public String describe() {
        return detail.isEmpty() ? layer.label() : layer.label() + " " + detail;
    }
}
