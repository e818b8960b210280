package dev.keel.split;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A request to materialise a split of a dataset.
 *
 * @param dataset the dataset to split
 * @param version the dataset version; empty for the latest
 * @param fractions the splits and their shares
 * @param seed the hash seed
 * @param keys the key columns; empty for the dataset's primary key, or every column when it has none
 * @param group a column whose rows must share a split
 * @param stratify a label column whose proportions every split keeps
 */
public record SplitRequest(String dataset, Optional<Long> version, SplitFractions fractions, long seed, List<String> keys,
        Optional<String> group, Optional<String> stratify) {
    public SplitRequest {
        requireNonNull(dataset, "dataset");
        requireNonNull(version, "version");
        requireNonNull(fractions, "fractions");
        keys = List.copyOf(requireNonNull(keys, "keys"));
        requireNonNull(group, "group");
        requireNonNull(stratify, "stratify");
    }
}
