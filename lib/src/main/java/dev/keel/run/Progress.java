package dev.keel.run;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;

/**
 * Progress for people watching a long job: one line per step on stderr, so stdout stays clean
 * for results and {@code --json}.
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean enabled;

    public Progress(PrintWriter err, boolean enabled) {
        this.err = requireNonNull(err, "err");
        this.enabled = enabled;
    }

    public void info(String message) {
        if (enabled) {
            err.println("[keel] " + message);
            err.flush();
        }
    }
}
