package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.keel.lake.KernelTables;
import dev.keel.lake.LakeLayout;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.lake.LakeRow;
import dev.keel.split.SplitRef;

/**
 * Reads the registry ({@code _keel/models}, {@code _keel/model_aliases},
 * {@code _keel/model_annotations}) without Spark (Delta Kernel), so that catalog commands answer
 * in a second or two.
 */
public final class ModelCatalog {
    private final KernelTables kernel;
    private final LakeLayout layout;

    public ModelCatalog(KernelTables kernel, LakeLayout layout) {
        this.kernel = requireNonNull(kernel, "kernel");
        this.layout = requireNonNull(layout, "layout");
    }

    /** The registry as it is now: one read of each table. */
    public Registry read() {
        List<ModelVersion> versions = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.MODELS), Arrays.asList(ModelVersions.SCHEMA.fieldNames()), Optional.empty(),
                row -> versions.add(version(row, layout)));
        List<AliasChange> changes = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.MODEL_ALIASES), Arrays.asList(ModelAliases.SCHEMA.fieldNames()), Optional.empty(),
                row -> changes.add(aliasChange(row)));
        List<Annotation> annotations = new ArrayList<>();
        kernel.scan(layout.keel(KeelTable.MODEL_ANNOTATIONS), Arrays.asList(ModelAnnotations.SCHEMA.fieldNames()), Optional.empty(),
                row -> annotations.add(annotation(row)));
        annotations.sort(java.util.Comparator.comparing(Annotation::createdAt));
        return new Registry(layout.keel(KeelTable.MODELS), versions, changes, annotations);
    }

    /** The version a reference names ({@link Registry#resolve}). */
    public ModelVersion resolve(String reference) {
        return read().resolve(reference);
    }

    private static ModelVersion version(LakeRow r, LakeLayout layout) {
        return new ModelVersion(r.getString("name"), r.getLong("version"), layout.locate(r.getString("artifact_uri")),
                r.getString("model_sha256"), r.getString("spec_file"), r.getString("spec_sha256"), r.getString("task"),
                r.getStringMap("hyper_parameters"), r.getLong("seed"), ref(r, "train", layout), ref(r, "val", layout),
                ref(r, "test", layout), r.getDoubleMap("metrics"), r.getString("backend"),
                r.getInt("workers"), r.getString("run_id"), r.getString("owner"), r.getInstant("created_at"));
    }

    private static SplitRef ref(LakeRow r, String prefix, LakeLayout layout) {
        return new SplitRef(layout.locate(r.getString(prefix + "_table")), r.getLong(prefix + "_version"), r.getString(prefix + "_split"));
    }

    private static AliasChange aliasChange(LakeRow r) {
        return new AliasChange(r.getString("name"), r.getString("alias"), r.getLong("change"),
                AliasChange.Action.valueOf(r.getString("action").toUpperCase(Locale.ROOT)), r.getLong("version"),
                r.isNull("previous_version") ? Optional.empty() : Optional.of(r.getLong("previous_version")), r.getBoolean("forced"),
                r.getString("reason"), r.getString("actor"), r.getString("policy_sha256"), r.getString("run_id"),
                r.getInstant("created_at"));
    }

    private static Annotation annotation(LakeRow r) {
        return new Annotation(r.getString("name"), r.getLong("version"),
                Annotation.Field.valueOf(r.getString("field").toUpperCase(Locale.ROOT)), r.getString("value"), r.getBoolean("removed"),
                r.getString("actor"), r.getString("run_id"), r.getInstant("created_at"));
    }
}
