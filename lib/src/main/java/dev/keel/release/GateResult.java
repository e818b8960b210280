package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One gate's outcome with its numbers.
 *
 * @param gate which gate: {@code minimum}, {@code champion}, {@code slice station=B}, {@code golden}, {@code latency}
 * @param passed whether it passed
 * @param detail one line with the measured values and the thresholds
 * @param measured the measured values
 * @param thresholds what they were held against
 */
public record GateResult(String gate, boolean passed, String detail, Map<String, Double> measured, Map<String, Double> thresholds) {
    public GateResult {
        requireNonNull(gate, "gate");
        requireNonNull(detail, "detail");
        measured = Map.copyOf(measured);
        thresholds = Map.copyOf(thresholds);
    }
}
