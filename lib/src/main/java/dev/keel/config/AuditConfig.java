package dev.keel.config;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the audit trail.
 *
 * @param anchorDir normalised location that {@code keel audit anchor} writes head hashes to
 */
public record AuditConfig(String anchorDir) {
    public AuditConfig {
        requireNonNull(anchorDir, "anchorDir");
    }

    public static AuditConfig from(KeelConfig config) {
        return new AuditConfig(Locations.normalize(config.get(ConfigKeys.AUDIT_ANCHOR_DIR)));
    }
}
