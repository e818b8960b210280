package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Cleaning of one column, applied to the raw text in this order: trim, null tokens, case, regex
 * replacements, default; then the value is cast to its type and converted to {@code unit}.
 *
 * @param trim whether to strip surrounding whitespace (overrides the contract-wide setting)
 * @param nullTokens extra texts that mean "no value" in this column
 * @param replacements regular-expression replacements, in order
 * @param letterCase LOWER or UPPER
 * @param defaultValue the text used when the value is null after cleaning
 * @param unit a unit cast for numeric columns
 */
public record ColumnCleaning(
        Optional<Boolean> trim,
        List<String> nullTokens,
        List<Replacement> replacements,
        Optional<LetterCase> letterCase,
        Optional<String> defaultValue,
        Optional<UnitConversion> unit) {

    /** Upper- or lower-casing. */
    public enum LetterCase { LOWER, UPPER }

    /**
     * A regular-expression replacement (Java regex syntax, {@code $1} group references).
     *
     * @param pattern what to find
     * @param replacement what to put instead
     */
    public record Replacement(String pattern, String replacement) {
        public Replacement {
            requireNonNull(pattern, "pattern");
            requireNonNull(replacement, "replacement");
        }
    }

    public ColumnCleaning {
        requireNonNull(trim, "trim");
        nullTokens = List.copyOf(nullTokens);
        replacements = List.copyOf(replacements);
        requireNonNull(letterCase, "letterCase");
        requireNonNull(defaultValue, "defaultValue");
        requireNonNull(unit, "unit");
    }

    public static ColumnCleaning none() {
        return new ColumnCleaning(Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
