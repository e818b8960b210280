package dev.keel.split;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.keel.error.UsageException;

/**
 * Named split fractions in their declared order, e.g. {@code train=0.8,val=0.1,test=0.1}. Kept as
 * exact decimals so that split boundaries do not depend on floating-point rounding.
 *
 * @param fractions split name to fraction, each in (0, 1], summing to exactly 1
 */
public record SplitFractions(Map<String, BigDecimal> fractions) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    /** Decimal places a fraction may have (what the manifest table stores). */
    public static final int MAX_DECIMALS = 8;
    private static final String EXAMPLE = "expected NAME=FRACTION,... summing to 1, e.g. train=0.8,val=0.1,test=0.1";

    public SplitFractions {
        requireNonNull(fractions, "fractions");
        if (fractions.size() < 2) {
            throw new IllegalArgumentException("Cannot split: at least 2 splits are needed, cannot be: " + fractions.keySet());
        }
        BigDecimal sum = BigDecimal.ZERO;
        Map<String, BigDecimal> normalised = new LinkedHashMap<>();
        for (Map.Entry<String, BigDecimal> f : fractions.entrySet()) {
            BigDecimal value = f.getValue().stripTrailingZeros();
            if (!NAME.matcher(f.getKey()).matches() || value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0
                    || value.scale() > MAX_DECIMALS) {
                throw new IllegalArgumentException("Cannot split: invalid split " + f.getKey() + "=" + f.getValue());
            }
            normalised.put(f.getKey(), value);
            sum = sum.add(value);
        }
        if (sum.compareTo(BigDecimal.ONE) != 0) {
            throw new IllegalArgumentException("Cannot split: fractions must sum to 1, cannot be: " + sum.toPlainString());
        }
        fractions = Collections.unmodifiableMap(normalised);
    }

    /** Parses the {@code --fractions} syntax; a bad value is a {@link UsageException} naming it. */
    public static SplitFractions parse(String text) {
        Map<String, BigDecimal> parsed = new LinkedHashMap<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (String part : requireNonNull(text, "text").split(",", -1)) {
            String[] nameValue = part.trim().split("=", -1);
            if (nameValue.length != 2 || !NAME.matcher(nameValue[0].trim()).matches()) {
                throw invalid(text, "'" + part.trim() + "' is not NAME=FRACTION with a lower-case name");
            }
            String name = nameValue[0].trim();
            BigDecimal value;
            try {
                value = new BigDecimal(nameValue[1].trim());
            } catch (NumberFormatException e) {
                throw invalid(text, "'" + nameValue[1].trim() + "' is not a number");
            }
            if (value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0) {
                throw invalid(text, name + " must be above 0 and at most 1");
            }
            if (value.stripTrailingZeros().scale() > MAX_DECIMALS) {
                throw invalid(text, name + " has more than " + MAX_DECIMALS + " decimal places");
            }
            if (parsed.put(name, value) != null) {
                throw invalid(text, "split '" + name + "' is named twice");
            }
            sum = sum.add(value);
        }
        if (parsed.size() < 2) {
            throw invalid(text, "at least 2 splits are needed");
        }
        if (sum.compareTo(BigDecimal.ONE) != 0) {
            throw invalid(text, "the fractions sum to " + sum.toPlainString() + ", not 1");
        }
        return new SplitFractions(parsed);
    }

    private static UsageException invalid(String text, String why) {
        return new UsageException("Invalid --fractions '" + text + "': " + why + "; " + EXAMPLE);
    }

    /** Split names in declared order. */
    public List<String> names() {
        return List.copyOf(fractions.keySet());
    }

    /** The running totals: element i is the sum of the first i+1 fractions; the last is exactly 1. */
    public List<BigDecimal> cumulative() {
        List<BigDecimal> totals = new ArrayList<>();
        BigDecimal running = BigDecimal.ZERO;
        for (BigDecimal f : fractions.values()) {
            running = running.add(f);
            totals.add(running);
        }
        return totals;
    }

    @Override
    public String toString() {
        return fractions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().toPlainString()).collect(Collectors.joining(","));
    }
}
