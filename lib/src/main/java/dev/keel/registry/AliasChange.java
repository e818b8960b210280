package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One move of an alias, as {@code _keel/model_aliases} keeps it (append-only).
 *
 * @param name the model
 * @param alias champion, staging or any other alias
 * @param change 1, 2, ... per model and alias
 * @param action promote or rollback
 * @param version the version the alias points at after this change
 * @param previousVersion the version it pointed at before, if any
 * @param forced whether a promotion went ahead without passed gates
 * @param reason why, as given
 * @param actor who moved it
 * @param policySha256 the access policy that allowed it
 * @param runId the run that moved it
 * @param createdAt when
 */
public record AliasChange(String name, String alias, long change, Action action, long version, Optional<Long> previousVersion,
        boolean forced, String reason, String actor, String policySha256, String runId, Instant createdAt) {

    /** What moved the alias. */
    public enum Action {
        PROMOTE, ROLLBACK
    }

    public AliasChange {
        requireNonNull(name, "name");
        requireNonNull(alias, "alias");
        requireNonNull(action, "action");
        requireNonNull(previousVersion, "previousVersion");
        requireNonNull(reason, "reason");
        requireNonNull(actor, "actor");
        requireNonNull(policySha256, "policySha256");
        requireNonNull(runId, "runId");
        requireNonNull(createdAt, "createdAt");
    }

    public ModelRef ref() {
        return new ModelRef(name, version);
    }
}
