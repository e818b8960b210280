package dev.keel.run;

/** A run's lifecycle: RUNNING until it ends SUCCEEDED or FAILED. */
public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED
}
