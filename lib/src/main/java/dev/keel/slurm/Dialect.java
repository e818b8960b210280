package dev.keel.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one version of slurmrestd's API spells requests and responses. Each version's paths live
 * under {@code /slurm/<version>/}.
 */
interface Dialect {
    /** {@code v0.0.38}, {@code v0.0.40}, ... */
    String version();

    /** The body of {@code POST job/submit}. */
    ObjectNode submitBody(JobRequest request);

    /** One element of a {@code jobs} array. */
    JobStatus job(JsonNode job);

    /** The dialects this client speaks, by version number (38, 40, ...). */
    static Dialect of(int minor) {
        return switch (minor) {
            case 38 -> new DialectV38();
            case 40, 41, 42 -> new DialectV40(minor);
            default -> throw new IllegalArgumentException("Cannot speak Slurm REST API v0.0." + minor);
        };
    }
}
