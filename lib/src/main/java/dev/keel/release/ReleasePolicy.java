package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.keel.compare.Slice;
import dev.keel.compare.SliceEvaluator;

/**
 * How one model is evaluated and what a version must pass before it may be promoted
 * ({@code conf/release/<model>.yaml}).
 *
 * @param model the model it applies to
 * @param file where it was read from
 * @param sha256 SHA-256 of the file, recorded with every gate result
 * @param slices the slices every evaluation reports besides {@code all}
 * @param gates what {@code keel gate} checks
 */
public record ReleasePolicy(String model, String file, String sha256, List<Slice> slices, Gates gates) {
    public ReleasePolicy {
        requireNonNull(model, "model");
        requireNonNull(file, "file");
        requireNonNull(sha256, "sha256");
        slices = List.copyOf(slices);
        requireNonNull(gates, "gates");
    }

    /** The file that declared the slices, as evaluations record it. */
    public SliceEvaluator.Declared declared() {
        return new SliceEvaluator.Declared(file, sha256);
    }

    /** Only the overall slice and no gates: what a model without a release policy gets. */
    public static ReleasePolicy none(String model) {
        return new ReleasePolicy(model, "none", "none", List.of(), new Gates(Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    /**
     * @param minimum overall test metrics a version must reach
     * @param champion guards against regressing from the version the alias points at
     * @param slices per-slice minimum metrics
     * @param golden inputs with expected outputs
     * @param latency maximum scoring time per batch
     */
    public record Gates(Map<String, Double> minimum, Optional<ChampionGuard> champion, Optional<SliceGuard> slices,
            Optional<Golden> golden, Optional<Latency> latency) {
        public Gates {
            minimum = Map.copyOf(minimum);
            requireNonNull(champion, "champion");
            requireNonNull(slices, "slices");
            requireNonNull(golden, "golden");
            requireNonNull(latency, "latency");
        }

        public boolean declared() {
            return !minimum.isEmpty() || champion.isPresent() || slices.isPresent() || golden.isPresent() || latency.isPresent();
        }
    }

    /**
     * @param alias the version to compare with (champion unless set)
     * @param maxDrop per metric, the most it may fall below the champion's (absolute, e.g. 0.01)
     * @param notSignificantlyWorse whether McNemar's test must not find the candidate worse
     * @param alpha the significance level of that test
     */
    public record ChampionGuard(String alias, Map<String, Double> maxDrop, boolean notSignificantlyWorse, double alpha) {
        public ChampionGuard {
            requireNonNull(alias, "alias");
            maxDrop = Map.copyOf(maxDrop);
        }
    }

    /**
     * @param minimum per metric, what every slice must reach
     * @param minExamples slices with fewer test examples are reported but not gated
     */
    public record SliceGuard(Map<String, Double> minimum, long minExamples) {
        public SliceGuard {
            minimum = Map.copyOf(minimum);
        }
    }

    /**
     * @param file CSV with the model's feature columns and the expected label
     * @param minAgreement the fraction of golden inputs that must get their expected output
     */
    public record Golden(Path file, double minAgreement) {
        public Golden {
            requireNonNull(file, "file");
        }
    }

    /**
     * @param batchSize rows per scoring batch
     * @param maxMillis the most the median batch may take
     */
    public record Latency(int batchSize, double maxMillis) {
    }
}
