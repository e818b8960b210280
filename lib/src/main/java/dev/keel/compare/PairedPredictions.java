package dev.keel.compare;

import static java.util.Objects.requireNonNull;

/**
 * Two classifiers' predicted classes for the same test examples, in the same order, with the true
 * classes: what every paired statistic is computed from.
 *
 * @param actual the true class of each example
 * @param baseline the baseline's predicted class of each example
 * @param candidate the candidate's predicted class of each example
 * @param classes the number of classes
 */
public record PairedPredictions(int[] actual, int[] baseline, int[] candidate, int classes) {
    public PairedPredictions {
        requireNonNull(actual, "actual");
        requireNonNull(baseline, "baseline");
        requireNonNull(candidate, "candidate");
        if (baseline.length != actual.length || candidate.length != actual.length) {
            throw new IllegalArgumentException("Paired predictions need one prediction per example from each model: " + actual.length
                    + " examples, " + baseline.length + " baseline and " + candidate.length + " candidate predictions");
        }
    }

    public int size() {
        return actual.length;
    }

    /** Examples the baseline got right and the candidate wrong (McNemar's b). */
    public long onlyBaselineRight() {
        long b = 0;
        for (int i = 0; i < actual.length; i++) {
            b += baseline[i] == actual[i] && candidate[i] != actual[i] ? 1 : 0;
        }
        return b;
    }

    /** Examples the candidate got right and the baseline wrong (McNemar's c). */
    public long onlyCandidateRight() {
        long c = 0;
        for (int i = 0; i < actual.length; i++) {
            c += candidate[i] == actual[i] && baseline[i] != actual[i] ? 1 : 0;
        }
        return c;
    }

    /** Accuracy of {@code predicted} over the examples at {@code indices} (repeats count again). */
    public double accuracy(int[] predicted, int[] indices) {
        long right = 0;
        for (int i : indices) {
            right += predicted[i] == actual[i] ? 1 : 0;
        }
        return (double) right / indices.length;
    }

    /**
     * Macro-averaged F1 of {@code predicted} over the examples at {@code indices}, averaged over the
     * classes that occur among them as true or predicted classes (as scikit-learn does).
     */
    public double macroF1(int[] predicted, int[] indices) {
        long[] truePositives = new long[classes];
        long[] predictedCount = new long[classes];
        long[] actualCount = new long[classes];
        for (int i : indices) {
            predictedCount[predicted[i]]++;
            actualCount[actual[i]]++;
            if (predicted[i] == actual[i]) {
                truePositives[actual[i]]++;
            }
        }
        double sum = 0;
        int present = 0;
        for (int k = 0; k < classes; k++) {
            long denominator = predictedCount[k] + actualCount[k];
            if (denominator > 0) {
                sum += 2.0 * truePositives[k] / denominator;
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    /** Every example once, in order. */
    public int[] all() {
        int[] indices = new int[actual.length];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
