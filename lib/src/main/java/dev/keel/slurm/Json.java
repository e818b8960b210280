package dev.keel.slurm;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reading slurmrestd's JSON: a missing or mistyped field is an error naming it. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static JsonNode field(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new MalformedResponseException(where + " has no field '" + name + "'");
        }
        return v;
    }

    static String text(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isTextual()) {
            throw new MalformedResponseException(where + " field '" + name + "' is not a string: " + v);
        }
        return v.asText();
    }

    static String textOrEmpty(JsonNode node, String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static long integer(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.canConvertToLong()) {
            throw new MalformedResponseException(where + " field '" + name + "' is not an integer: " + v);
        }
        return v.asLong();
    }

    /** A Unix time, empty for 0 (Slurm's "not yet"). */
    static Optional<Instant> time(long seconds) {
        return seconds <= 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(seconds));
    }
}
