package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * An event to be appended: everything but its place in the chain, which the log assigns.
 *
 * @param actor who did it
 * @param action what was done, dotted lower-case
 * @param subject what it was done to
 * @param runId the run it happened in
 * @param details JSON object text
 */
public record AuditDraft(String actor, String action, String subject, String runId, String details) {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public AuditDraft {
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(subject, "subject");
        requireNonNull(runId, "runId");
        requireNonNull(details, "details");
        if (!action.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
            throw new IllegalArgumentException("Cannot audit: action must be dotted lower-case, cannot be: " + action);
        }
    }

    /** A draft whose details are a map, written as JSON with sorted keys. */
    public static AuditDraft of(String actor, String action, String subject, String runId, Map<String, ?> details) {
        try {
            return new AuditDraft(actor, action, subject, runId, JSON.writeValueAsString(new TreeMap<>(details)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot audit " + action + ": details are not JSON-serialisable: " + e.getMessage(), e);
        }
    }
}
