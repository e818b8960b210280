package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import dev.keel.registry.ModelRef;
import dev.keel.split.SplitRef;

/**
 * Every gate of a release policy checked for one model version.
 *
 * @param model the version checked
 * @param data the test split it was checked on
 * @param champion the version it was held against, when the alias points somewhere else
 * @param results every gate, in the policy's order
 * @param policy the release policy file
 * @param policySha256 its SHA-256
 */
public record GateReport(ModelRef model, SplitRef data, Optional<ModelRef> champion, List<GateResult> results, String policy,
        String policySha256) {
    public GateReport {
        requireNonNull(model, "model");
        requireNonNull(data, "data");
        requireNonNull(champion, "champion");
        results = List.copyOf(results);
        requireNonNull(policy, "policy");
        requireNonNull(policySha256, "policySha256");
    }

    public boolean passed() {
        return results.stream().allMatch(GateResult::passed);
    }

    public List<GateResult> failed() {
        return results.stream().filter(r -> !r.passed()).toList();
    }
}
