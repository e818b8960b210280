package dev.keel.error;

/**
 * The process exit codes keel documents for cron and schedulers. The numbers are a public
 * contract: never renumber them.
 */
public enum ExitCode {
    OK(0, "success"),
    UNEXPECTED(1, "unexpected failure (a bug or an environment problem; rerun with -v for the stack trace)"),
    USAGE(2, "bad usage or configuration"),
    DATA_QUALITY(3, "a data-quality or integrity check failed"),
    MODEL_GATE(4, "a model gate or regression check failed"),
    EXTERNAL_UNAVAILABLE(5, "an external system (object store, Slurm) did not answer after retries"),
    ACCESS_DENIED(6, "access denied by the access policy");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
