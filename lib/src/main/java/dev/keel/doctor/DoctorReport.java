package dev.keel.doctor;

import java.util.List;

import dev.keel.error.ExitCode;

/**
 * Every check {@code keel doctor} ran.
 *
 * @param checks in the order they ran
 */
public record DoctorReport(List<Check> checks) {
    public DoctorReport {
        checks = List.copyOf(checks);
    }

    public boolean healthy() {
        return checks.stream().noneMatch(c -> c.status() == Check.Status.FAILED);
    }

    /**
     * 0 when healthy; 5 when an external system (object store, Slurm, a remote lake) does not
     * answer; otherwise the most serious local failure (2 for configuration, 1 for a broken runtime).
     */
    public ExitCode exitCode() {
        List<ExitCode> failures = checks.stream().flatMap(c -> c.failure().stream()).toList();
        if (failures.isEmpty()) {
            return ExitCode.OK;
        }
        if (failures.contains(ExitCode.EXTERNAL_UNAVAILABLE)) {
            return ExitCode.EXTERNAL_UNAVAILABLE;
        }
        return failures.contains(ExitCode.USAGE) ? ExitCode.USAGE : failures.get(0);
    }
}
