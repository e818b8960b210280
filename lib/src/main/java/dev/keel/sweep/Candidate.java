package dev.keel.sweep;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import dev.keel.train.ModelSpec;

/**
 * One combination of a sweep grid: the values it sets and the spec they make.
 *
 * @param index its position in the grid, the Slurm array task that trains it
 * @param overrides each spec path's value
 * @param specText the candidate spec as written for its task
 * @param spec the candidate spec, checked
 */
public record Candidate(int index, Map<String, Object> overrides, String specText, ModelSpec spec) {
    public Candidate {
        if (index < 0) {
            throw new IllegalArgumentException("Invalid candidate index " + index + ": index from 0");
        }
        overrides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        requireNonNull(specText, "specText");
        requireNonNull(spec, "spec");
    }

    /** {@code training.learning_rate=0.003, network.layers.0.units=64}. */
    public String label() {
        return label(overrides);
    }

    static String label(Map<String, Object> overrides) {
        return overrides.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The file name its task reads: {@code candidate-<index>.yaml}. */
    public String fileName() {
        return "candidate-" + index + ".yaml";
    }
}
