package dev.keel.lake;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
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
     * How keel's records name {@code location}: relative to the root when it lies under it
     * ({@code splits/digits}, {@code models/digits-mlp/3}), as Delta names its files relative to
     * the table, so that a lake copied to another directory, bucket or file system keeps every
     * reference; a location outside the lake (a raw file elsewhere) keeps its full spelling.
     */
    public String name(String location) {
        String normalised = Locations.normalize(requireNonNull(location, "location"));
        return normalised.startsWith(root + "/") ? normalised.substring(root.length() + 1) : location;
    }

    /**
     * The location in this lake that a recorded name stands for. A relative name is joined to
     * the root. An absolute one (keel recorded absolute locations before 0.2) is read by the lake's
     * layout when it is not under this root: from its top-level lake directory on
     * ({@code datasets/digits}, {@code models/digits-mlp/3/model.zip}, {@code _keel/runs}, ...)
     * it is taken relative to this root, so that rows copied with a lake lead to the copy's own
     * tables and never back to the original's. Other absolute locations are returned as they are.
     */
    public String locate(String recorded) {
        requireNonNull(recorded, "recorded");
        if (!isAbsolute(recorded)) {
            return Locations.join(root, recorded);
        }
        String normalised = Locations.normalize(recorded);
        if (normalised.equals(root) || normalised.startsWith(root + "/")) {
            return normalised;
        }
        return layoutSuffix(normalised).map(rest -> Locations.join(root, rest)).orElse(recorded);
    }

    /** Whether two recorded names, relative or absolute, stand for the same location in this lake. */
    public boolean same(String recorded, String location) {
        return Locations.normalize(locate(recorded)).equals(Locations.normalize(location));
    }

    private static boolean isAbsolute(String location) {
        return location.startsWith("/") || location.contains(":");
    }

    /**
     * The part of an absolute location from its top-level lake directory on: the longest suffix
     * shaped like a keel table or model ({@code datasets/<name>}, {@code models/<name>/<n>/...},
     * {@code _keel/<table>}, ...); for raw files and checkpoints, from the last such directory.
     */
    static Optional<String> layoutSuffix(String location) {
        Matcher table = TABLE_SUFFIX.matcher(location);
        if (table.find()) {
            return Optional.of(table.group(1));
        }
        Matcher tree = TREE_SUFFIX.matcher(location);
        Optional<String> last = Optional.empty();
        while (tree.find()) {
            last = Optional.of(location.substring(tree.start() + 1));
        }
        return last;
    }

    private static final String NAME_PART = "[a-z0-9][a-z0-9_-]{0,99}";
    private static final Pattern TABLE_SUFFIX = Pattern.compile("/((?:datasets|quarantine|splits|predictions)/" + NAME_PART
            + "|_keel/[a-z_]+(?:/[^/]+)?|models/" + NAME_PART + "(?:/[0-9]+(?:/[^/]+)?)?)$");
    private static final Pattern TREE_SUFFIX = Pattern.compile("/(?:raw/" + NAME_PART + "|checkpoints|reports)(?=/)");

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
