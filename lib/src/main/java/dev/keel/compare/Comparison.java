package dev.keel.compare;

import static java.util.Objects.requireNonNull;

import java.util.Map;

import dev.keel.registry.ModelRef;
import dev.keel.split.SplitRef;

/**
 * A candidate compared with a baseline on the same test split.
 *
 * @param candidate the model compared
 * @param baseline the model it is compared with (the champion, usually)
 * @param test the test split both were evaluated on
 * @param examples test examples
 * @param candidateMetrics accuracy and macro_f1 of the candidate
 * @param baselineMetrics the same for the baseline
 * @param deltas candidate minus baseline, per metric
 * @param intervals per metric, the paired bootstrap interval of the delta at 1 - alpha
 * @param onlyBaselineRight examples only the baseline classified right (McNemar's b)
 * @param onlyCandidateRight examples only the candidate classified right (McNemar's c)
 * @param mcNemarP McNemar's exact two-sided p-value
 * @param alpha the significance level
 * @param verdict {@link Verdict}
 */
public record Comparison(ModelRef candidate, ModelRef baseline, SplitRef test, long examples, Map<String, Double> candidateMetrics,
        Map<String, Double> baselineMetrics, Map<String, Double> deltas, Map<String, PairedStatistics.Interval> intervals,
        long onlyBaselineRight, long onlyCandidateRight, double mcNemarP, double alpha, Verdict verdict) {
    public Comparison {
        requireNonNull(candidate, "candidate");
        requireNonNull(baseline, "baseline");
        requireNonNull(test, "test");
        candidateMetrics = Map.copyOf(candidateMetrics);
        baselineMetrics = Map.copyOf(baselineMetrics);
        deltas = Map.copyOf(deltas);
        intervals = Map.copyOf(intervals);
        requireNonNull(verdict, "verdict");
    }

    /** What the paired test says about the candidate against the baseline at the chosen level. */
    public enum Verdict {
        BETTER, NO_SIGNIFICANT_DIFFERENCE, WORSE;

        /** Lower case with spaces, as printed and stored. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }
}
