package dev.keel.split;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * How a dataset is split: two materialisations with equal specs of the same dataset version hold
 * exactly the same rows in each split.
 *
 * @param fractions the splits and their shares
 * @param seed mixed into every hash, so a different seed gives an independent split
 * @param keys the columns that identify a row; rows with equal keys always share a split
 * @param group a column whose rows must all land in one split (a patient, a user, a session)
 * @param stratify a label column whose proportions are kept in every split
 */
public record SplitSpec(SplitFractions fractions, long seed, List<String> keys, Optional<String> group, Optional<String> stratify) {
    public SplitSpec {
        requireNonNull(fractions, "fractions");
        keys = List.copyOf(requireNonNull(keys, "keys"));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("Cannot split: keys must name at least one column");
        }
        requireNonNull(group, "group");
        requireNonNull(stratify, "stratify");
    }

    /** The columns hashed to place a row: the group when there is one, otherwise the keys. */
    public List<String> unit() {
        return group.map(List::of).orElse(keys);
    }
}
