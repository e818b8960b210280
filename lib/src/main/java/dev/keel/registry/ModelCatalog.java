package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.keel.error.UsageException;
import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeRow;
import dev.keel.split.SplitRef;

/**
 * The registered model versions of {@code _keel/models}, read without Spark (Delta Kernel), so
 * that catalog commands answer in a second or two; and references to them: {@code NAME@VERSION},
 * {@code NAME@latest}, or {@code NAME} alone for the latest.
 */
public final class ModelCatalog {
    private static final Pattern REFERENCE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*)(?:@([A-Za-z0-9_-]+))?");

    private final KernelTables kernel;
    private final String path;

    public ModelCatalog(KernelTables kernel, String path) {
        this.kernel = requireNonNull(kernel, "kernel");
        this.path = requireNonNull(path, "path");
    }

    /** Every registered version, by name and then version. */
    public List<ModelVersion> all() {
        List<ModelVersion> versions = new ArrayList<>();
        kernel.scan(path, Arrays.asList(ModelVersions.SCHEMA.fieldNames()), Optional.empty(), row -> versions.add(fromRow(row)));
        versions.sort(Comparator.comparing(ModelVersion::name).thenComparingLong(ModelVersion::version));
        return versions;
    }

    /**
     * The version a reference names.
     *
     * @throws UsageException for a malformed or unknown reference, listing the models and versions there are
     */
    public ModelVersion resolve(String reference) {
        Matcher m = REFERENCE.matcher(requireNonNull(reference, "reference"));
        if (!m.matches()) {
            throw new UsageException("Invalid model reference '" + reference + "': expected NAME, NAME@VERSION or NAME@latest, "
                    + "e.g. digits-mlp@1");
        }
        String name = m.group(1);
        String at = m.group(2) == null ? "latest" : m.group(2);
        List<ModelVersion> all = all();
        List<ModelVersion> named = all.stream().filter(v -> v.name().equals(name)).toList();
        if (named.isEmpty()) {
            throw new UsageException("Unknown model '" + name + "' in " + path + ": " + (all.isEmpty()
                    ? "no model is registered yet (keel train registers one)" : "registered are " + summary(all)));
        }
        if (at.equals("latest")) {
            return named.get(named.size() - 1);
        }
        if (!at.matches("\\d+")) {
            throw new UsageException("Unknown version '" + at + "' of model " + name + ": give a version number or latest; "
                    + name + " has " + summary(named) + " (aliases such as champion come with promotion, not built yet)");
        }
        long version = Long.parseLong(at);
        return named.stream().filter(v -> v.version() == version).findFirst().orElseThrow(() -> new UsageException(
                "Unknown version " + version + " of model " + name + ": it has " + summary(named)));
    }

    /** {@code name versions 1, 2, 3} for each model, separated by semicolons. */
    private static String summary(List<ModelVersion> versions) {
        return versions.stream().collect(Collectors.groupingBy(ModelVersion::name, TreeMap::new,
                Collectors.mapping(v -> Long.toString(v.version()), Collectors.joining(", "))))
                .entrySet().stream().map(e -> e.getKey() + " versions " + e.getValue()).collect(Collectors.joining("; "));
    }

    private static ModelVersion fromRow(LakeRow r) {
        return new ModelVersion(r.getString("name"), r.getLong("version"), r.getString("artifact_uri"), r.getString("model_sha256"),
                r.getString("spec_file"), r.getString("spec_sha256"), r.getString("task"), r.getStringMap("hyper_parameters"),
                r.getLong("seed"), ref(r, "train"), ref(r, "val"), ref(r, "test"), r.getDoubleMap("metrics"), r.getString("backend"),
                r.getInt("workers"), r.getString("run_id"), r.getString("owner"), r.getInstant("created_at"));
    }

    private static SplitRef ref(LakeRow r, String prefix) {
        return new SplitRef(r.getString(prefix + "_table"), r.getLong(prefix + "_version"), r.getString(prefix + "_split"));
    }
}
