package dev.keel.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** McNemar's exact test against exact binomial sums, the paired bootstrap's repeatability and coverage, paired metrics. */
class PairedStatisticsTest {
    @Test
    void mcNemarExactMatchesTheBinomialTail() {
        assertEquals(0.021484375, PairedStatistics.mcNemarExact(1, 9), 1e-15, "2 * (C(10,0) + C(10,1)) / 2^10");
        assertEquals(0.021484375, PairedStatistics.mcNemarExact(9, 1), 1e-15, "two-sided: symmetric");
        assertEquals(0.00048828125, PairedStatistics.mcNemarExact(0, 12), 1e-15);
        assertEquals(0.001883300935076157, PairedStatistics.mcNemarExact(100, 150), 1e-12, "exact for hundreds of pairs");
        assertEquals(1.0, PairedStatistics.mcNemarExact(3, 4), 0, "capped at 1");
        assertEquals(1.0, PairedStatistics.mcNemarExact(0, 0), 0, "no discordant pair, no evidence");
        assertTrue(PairedStatistics.mcNemarExact(100_000, 101_000) > 0, "no underflow for large counts");
        assertThrows(IllegalArgumentException.class, () -> PairedStatistics.mcNemarExact(-1, 3));
    }

    @Test
    void pairedPredictionsCountDiscordantPairsAndScoreSamples() {
        int[] actual = {0, 1, 2, 0, 1, 2, 0, 1};
        int[] baseline = {0, 1, 2, 0, 0, 0, 1, 1};
        int[] candidate = {0, 1, 2, 1, 1, 2, 0, 1};
        PairedPredictions p = new PairedPredictions(actual, baseline, candidate, 3);
        assertEquals(1, p.onlyBaselineRight());
        assertEquals(3, p.onlyCandidateRight());
        assertEquals(5.0 / 8, p.accuracy(baseline, p.all()), 1e-12);
        assertEquals(7.0 / 8, p.accuracy(candidate, p.all()), 1e-12);
        assertEquals(1.0, p.accuracy(candidate, new int[] {0, 0, 1}), 0, "indices may repeat");
        // candidate: class 0 P=2/2 R=2/3, class 1 P=3/4 R=3/3, class 2 P=2/2 R=2/2
        double f1 = (2 * (1.0 * 2 / 3) / (1 + 2.0 / 3) + 2 * (0.75 * 1) / 1.75 + 1) / 3;
        assertEquals(f1, p.macroF1(candidate, p.all()), 1e-12);
        assertEquals(1.0, p.macroF1(candidate, new int[] {2, 5}), 1e-12, "only class 2 occurs: averaged over present classes");
        assertThrows(IllegalArgumentException.class, () -> new PairedPredictions(actual, baseline, new int[3], 3));
    }

    @Test
    void theBootstrapIsRepeatableAndCoversTheTrueDifference() {
        int n = 2000;
        int[] actual = new int[n];
        int[] baseline = new int[n];
        int[] candidate = new int[n];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            actual[i] = random.nextInt(2);
            baseline[i] = random.nextDouble() < 0.80 ? actual[i] : 1 - actual[i];
            candidate[i] = random.nextDouble() < 0.85 ? actual[i] : 1 - actual[i];
        }
        PairedPredictions p = new PairedPredictions(actual, baseline, candidate, 2);
        double observed = p.accuracy(candidate, p.all()) - p.accuracy(baseline, p.all());
        PairedStatistics.Interval a = PairedStatistics.bootstrap(n, 1000, 42, 0.95,
                idx -> p.accuracy(candidate, idx) - p.accuracy(baseline, idx));
        PairedStatistics.Interval b = PairedStatistics.bootstrap(n, 1000, 42, 0.95,
                idx -> p.accuracy(candidate, idx) - p.accuracy(baseline, idx));
        assertEquals(a, b, "same seed, same interval");
        assertTrue(a.contains(observed) && a.contains(0.05), a + " around the observed " + observed + " and the true 0.05");
        assertTrue(a.low() > 0, "a 5-point gain on 2,000 examples is significant: " + a);
        assertTrue(a.high() - a.low() < 0.06, "width " + (a.high() - a.low()));
        PairedStatistics.Interval narrow = PairedStatistics.bootstrap(n, 1000, 42, 0.5,
                idx -> p.accuracy(candidate, idx) - p.accuracy(baseline, idx));
        assertTrue(narrow.high() - narrow.low() < a.high() - a.low(), "a lower confidence gives a narrower interval");
        assertThrows(IllegalArgumentException.class, () -> PairedStatistics.bootstrap(n, 10, 1, 1.0, idx -> 0));
    }
}
