package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import dev.keel.registry.ModelRef;
import dev.keel.split.SplitRef;

/**
 * One model version evaluated on one split version: overall ({@code all}, first) and per slice.
 *
 * @param model the version evaluated
 * @param data the (table, version, split) it was evaluated on
 * @param slices {@code all} first, then the declared slices in declaration and value order
 * @param policySha256 the release policy that declared the slices, or {@code none}
 */
public record Evaluation(ModelRef model, SplitRef data, List<SliceMetrics> slices, String policySha256) {
    public Evaluation {
        requireNonNull(model, "model");
        requireNonNull(data, "data");
        slices = List.copyOf(slices);
        requireNonNull(policySha256, "policySha256");
    }

    public SliceMetrics overall() {
        return slices.get(0);
    }

    public Optional<SliceMetrics> slice(String name) {
        return slices.stream().filter(s -> s.slice().equals(name)).findFirst();
    }
}
