package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;

/**
 * One change to a model version's descriptive fields, as {@code _keel/model_annotations} keeps it
 * (append-only; the current fields are the replay of all changes).
 *
 * @param name the model
 * @param version the version
 * @param field what changed
 * @param value the tag added or removed, or the new owner, accountable person or description
 * @param removed for a tag: whether it was removed
 * @param actor who changed it
 * @param runId the run that changed it
 * @param createdAt when
 */
public record Annotation(String name, long version, Field field, String value, boolean removed, String actor, String runId,
        Instant createdAt) {

    /** The fields a version carries besides what training registered. */
    public enum Field {
        TAG, OWNER, ACCOUNTABLE, DESCRIPTION;

        public String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Annotation {
        requireNonNull(name, "name");
        requireNonNull(field, "field");
        requireNonNull(value, "value");
        requireNonNull(actor, "actor");
        requireNonNull(runId, "runId");
        requireNonNull(createdAt, "createdAt");
    }
}
