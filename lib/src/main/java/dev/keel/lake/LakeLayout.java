package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.keel.config.LakeConfig;
import dev.keel.config.Locations;
import dev.keel.error.UsageException;

/**
 * Where every table and artifact lives under {@code lake.root}. The one place that knows the
 * lakehouse layout; nothing else builds table paths by hand.
 *
 * @param root normalised lake root (absolute local path or {@code s3a://}, {@code hdfs://} URI)
 */
public record LakeLayout(String root) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");

    /** keel's own metadata tables under {@code _keel/}. */
    public enum KeelTable {
        RUNS, DATASET_VERSIONS, DATA_DRIFT, SPLIT_MANIFESTS, MODELS, MODEL_CLAIMS, MODEL_ALIASES, MODEL_ANNOTATIONS, EVALUATIONS, COMPUTE_USAGE, PIPELINE_RUNS, AUDIT;

        public String directory() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LakeLayout {
        requireNonNull(root, "root");
    }

    public static LakeLayout of(LakeConfig config) {
        return new LakeLayout(config.root());
    }

    public String dataset(String name) {
        return Locations.join(root, "datasets", checkName("dataset", name));
    }

    public String quarantine(String dataset) {
        return Locations.join(root, "quarantine", checkName("dataset", dataset));
    }

    /** The landing zone for a dataset's raw files, for drops that have no other home (the demo's). */
    public String raw(String dataset) {
        return Locations.join(root, "raw", checkName("dataset", dataset));
    }

    public String splits(String dataset) {
        return Locations.join(root, "splits", checkName("dataset", dataset));
    }

    /** Where {@code keel score} writes a predictions table. */
    public String predictions(String name) {
        return Locations.join(root, "predictions", checkName("predictions table", name));
    }

    public String model(String name, long version) {
        if (version < 1) {
            throw new UsageException("Invalid model version " + version + " for model " + name + ": versions start at 1");
        }
        return Locations.join(root, "models", checkName("model", name), Long.toString(version));
    }

    public String checkpoints(String runId) {
        return Locations.join(root, "checkpoints", requireNonNull(runId, "runId"));
    }

    public String keel(KeelTable table) {
        return Locations.join(root, "_keel", table.directory());
    }

    /**
     * Checks a dataset or model name, which becomes a directory name.
     *
     * @return the name
     * @throws UsageException naming the bad value and what is allowed
     */
    public static String checkName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UsageException("Invalid " + kind + " name '" + name + "': use 1-100 lower-case letters, digits, '-' "
                    + "and '_', starting with a letter or digit");
        }
        return name;
    }
}
