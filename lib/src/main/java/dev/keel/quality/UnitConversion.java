package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A unit cast applied to a numeric column after it is read: {@code value * scale + offset}.
 *
 * @param from the unit of the raw values
 * @param to the unit stored in the clean table
 * @param scale multiplier
 * @param offset added after scaling (temperatures)
 */
public record UnitConversion(String from, String to, double scale, double offset) {
    /** Factors to each dimension's base unit (kg, m, s). */
    private static final Map<String, Double> TO_BASE = Map.ofEntries(
            Map.entry("mg", 1e-6), Map.entry("g", 1e-3), Map.entry("kg", 1.0), Map.entry("t", 1e3),
            Map.entry("oz", 0.028349523125), Map.entry("lb", 0.45359237),
            Map.entry("mm", 1e-3), Map.entry("cm", 1e-2), Map.entry("m", 1.0), Map.entry("km", 1e3),
            Map.entry("in", 0.0254), Map.entry("ft", 0.3048), Map.entry("mi", 1609.344),
            Map.entry("ms", 1e-3), Map.entry("s", 1.0), Map.entry("min", 60.0), Map.entry("h", 3600.0),
            Map.entry("d", 86400.0));
    private static final Map<String, String> DIMENSION = Map.ofEntries(
            Map.entry("mg", "mass"), Map.entry("g", "mass"), Map.entry("kg", "mass"), Map.entry("t", "mass"),
            Map.entry("oz", "mass"), Map.entry("lb", "mass"),
            Map.entry("mm", "length"), Map.entry("cm", "length"), Map.entry("m", "length"), Map.entry("km", "length"),
            Map.entry("in", "length"), Map.entry("ft", "length"), Map.entry("mi", "length"),
            Map.entry("ms", "time"), Map.entry("s", "time"), Map.entry("min", "time"), Map.entry("h", "time"),
            Map.entry("d", "time"));

    public UnitConversion {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
    }

    /** The conversion between two known units, or empty when they are unknown or of different kinds. */
    public static Optional<UnitConversion> between(String from, String to) {
        if (isTemperature(from) && isTemperature(to)) {
            double[] toKelvin = kelvin(from);
            double[] fromKelvin = inverse(kelvin(to));
            return Optional.of(new UnitConversion(from, to, toKelvin[0] * fromKelvin[0],
                    toKelvin[1] * fromKelvin[0] + fromKelvin[1]));
        }
        if (!TO_BASE.containsKey(from) || !TO_BASE.containsKey(to) || !DIMENSION.get(from).equals(DIMENSION.get(to))) {
            return Optional.empty();
        }
        return Optional.of(new UnitConversion(from, to, TO_BASE.get(from) / TO_BASE.get(to), 0.0));
    }

    public static String knownUnits() {
        return "mg, g, kg, t, oz, lb (mass); mm, cm, m, km, in, ft, mi (length); ms, s, min, h, d (time); C, F, K";
    }

    private static boolean isTemperature(String unit) {
        return unit.equals("C") || unit.equals("F") || unit.equals("K");
    }

    /** {scale, offset} taking {@code unit} to kelvin. */
    private static double[] kelvin(String unit) {
        return switch (unit) {
            case "C" -> new double[] {1.0, 273.15};
            case "F" -> new double[] {5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0};
            default -> new double[] {1.0, 0.0};
        };
    }

    private static double[] inverse(double[] f) {
        return new double[] {1.0 / f[0], -f[1] / f[0]};
    }
}
