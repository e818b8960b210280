package dev.keel.audit;

import static java.util.Objects.requireNonNull;

/**
 * The first place the audit chain does not hold.
 *
 * @param kind what is wrong
 * @param seq the first event affected (for a removal, the first missing seq)
 * @param eventId that event's id, when it is present in the table
 * @param message one sentence naming the event and what happened to it
 */
public record Breach(Kind kind, long seq, String eventId, String message) {
    /** The ways a chain breaks. */
    public enum Kind {
        /** An event's fields no longer match its hash. */
        ALTERED,
        /** Events are missing from the middle of the chain. */
        REMOVED,
        /** An event's link to its predecessor is wrong: events were reordered or replaced. */
        RELINKED,
        /** Two events claim the same place in the chain. */
        DUPLICATED,
        /** The chain ends before the newest anchor, or differs from it. */
        TRUNCATED
    }

    public Breach {
        requireNonNull(kind, "kind");
        requireNonNull(eventId, "eventId");
        requireNonNull(message, "message");
    }
}
