package dev.keel.pipeline;

import java.util.Locale;

/** A pipeline's steps, in the order they run. Each one that does work is a keel run of its own. */
public enum Step {
    INGEST, QUALITY, SPLIT, TRAIN, EVALUATE, COMPARE, GATE, PROMOTE, REPORT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Step of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
