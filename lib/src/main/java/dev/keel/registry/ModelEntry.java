package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A registered version with what was set on it since: the catalog's view of one model version.
 *
 * @param model the registered version
 * @param aliases the aliases pointing at it now
 * @param tags its tags, sorted
 * @param owner the owner: who trained it unless set since
 * @param accountable the person accountable for its use, once set
 * @param description what it is for, once set
 */
public record ModelEntry(ModelVersion model, List<String> aliases, List<String> tags, String owner, Optional<String> accountable,
        Optional<String> description) {
    public ModelEntry {
        requireNonNull(model, "model");
        aliases = List.copyOf(aliases);
        tags = List.copyOf(tags);
        requireNonNull(owner, "owner");
        requireNonNull(accountable, "accountable");
        requireNonNull(description, "description");
    }

    public ModelRef ref() {
        return ModelRef.of(model);
    }
}
