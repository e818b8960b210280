package dev.keel.quality;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one dataset rule.
 *
 * @param name the rule, e.g. {@code min_rows}, {@code completeness:label}, {@code unique:image_id}, or a check's name
 * @param passed whether it held
 * @param observed what was measured
 * @param expected what the contract requires
 */
public record CheckResult(String name, boolean passed, String observed, String expected) {
    public CheckResult {
        requireNonNull(name, "name");
        requireNonNull(observed, "observed");
        requireNonNull(expected, "expected");
    }
}
