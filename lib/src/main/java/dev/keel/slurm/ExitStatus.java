package dev.keel.slurm;

/**
 * How a job's process ended, decoded from the raw wait status Slurm reports.
 *
 * @param code the exit status (0-255), meaningful when {@code signal} is 0
 * @param signal the signal that ended it, 0 when it exited
 */
public record ExitStatus(int code, int signal) {
    public static final ExitStatus SUCCESS = new ExitStatus(0, 0);

    public ExitStatus {
        if (code < 0 || code > 255 || signal < 0 || signal > 127) {
            throw new IllegalArgumentException("Cannot build exit status: code must be 0-255 and signal 0-127, cannot be: " + code
                    + "/" + signal);
        }
    }

    /** Decodes a POSIX wait status: exit status in bits 8-15, terminating signal in bits 0-6. */
    public static ExitStatus fromWaitStatus(long raw) {
        return new ExitStatus((int) ((raw >> 8) & 0xff), (int) (raw & 0x7f));
    }

    @Override
    public String toString() {
        return signal == 0 ? Integer.toString(code) : code + " (signal " + signal + ")";
    }
}
