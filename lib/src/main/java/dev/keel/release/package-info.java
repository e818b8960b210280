/**
 * Releasing models: each model's release policy (evaluation slices, acceptance gates, golden
 * set), the gate check, and promotion and rollback of aliases such as {@code champion}.
 */
package dev.keel.release;
