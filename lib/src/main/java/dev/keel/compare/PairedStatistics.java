package dev.keel.compare;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The statistics of a paired comparison of two classifiers on the same examples: McNemar's exact
 * test on the discordant pairs, and percentile intervals from a seeded paired bootstrap (the same
 * resampled examples for both models).
 */
public final class PairedStatistics {
    private PairedStatistics() {
    }

    /**
     * The two-sided exact McNemar p-value: under the null hypothesis each of the {@code b + c}
     * discordant examples is equally likely to favour either model, so the smaller count is
     * binomial(b + c, 1/2). Computed in log space, exact for any count.
     *
     * @param b examples only the baseline got right
     * @param c examples only the candidate got right
     */
    public static double mcNemarExact(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("Discordant counts cannot be negative: b=" + b + ", c=" + c);
        }
        long n = b + c;
        if (n == 0) {
            return 1.0;
        }
        long k = Math.min(b, c);
        double logHalfN = n * Math.log(0.5);
        double tail = 0;
        double logChoose = 0;
        for (long i = 0; i <= k; i++) {
            if (i > 0) {
                logChoose += Math.log((double) (n - i + 1) / i);
            }
            tail += Math.exp(logChoose + logHalfN);
        }
        return Math.min(1.0, 2 * tail);
    }

    /**
     * A percentile interval of {@code statistic} over {@code resamples} bootstrap samples of
     * {@code n} example indices drawn with replacement from a generator seeded with {@code seed},
     * so the same inputs always give the same interval.
     *
     * @param confidence e.g. 0.95 for the 2.5th to 97.5th percentiles
     * @param statistic computed on the resampled indices (each index may repeat)
     */
    public static Interval bootstrap(int n, int resamples, long seed, double confidence, ToDoubleFunction<int[]> statistic) {
        if (n < 1 || resamples < 1 || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("Cannot bootstrap " + n + " examples " + resamples + " times at confidence " + confidence);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[resamples];
        int[] sample = new int[n];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextInt(n);
            }
            values[r] = statistic.applyAsDouble(sample);
        }
        java.util.Arrays.sort(values);
        double tail = (1 - confidence) / 2;
        return new Interval(percentile(values, tail), percentile(values, 1 - tail), confidence);
    }

    private static double percentile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    /** A confidence interval. */
    public record Interval(double low, double high, double confidence) {
        public boolean contains(double value) {
            return value >= low && value <= high;
        }
    }
}
