package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;
import dev.keel.run.RunContext;

/**
 * Sets what a model version carries besides its training record (tags, owner, accountable
 * person, description), appended to {@code _keel/model_annotations} and audited.
 */
public final class ModelAnnotator {
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,63}");

    private final RunContext run;

    public ModelAnnotator(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * Adds and removes tags of the version {@code reference} names.
     *
     * @return the version with its tags as they are now
     */
    public ModelEntry tag(String reference, List<String> add, List<String> remove) {
        if (add.isEmpty() && remove.isEmpty()) {
            throw new UsageException("Nothing to tag: give --add TAG or --remove TAG");
        }
        Registry registry = catalog().read();
        ModelVersion v = registry.resolve(reference);
        List<String> current = registry.entry(v).tags();
        Instant now = run.env().clock().instant();
        List<Annotation> changes = new ArrayList<>();
        for (String t : add) {
            changes.add(annotation(v, Annotation.Field.TAG, checkTag(t), false, now));
        }
        for (String t : remove) {
            if (!current.contains(t)) {
                throw new UsageException("Cannot remove tag '" + t + "' from " + ModelRef.of(v) + ": it has " + (current.isEmpty()
                        ? "no tags" : "tags " + String.join(", ", current)));
            }
            changes.add(annotation(v, Annotation.Field.TAG, t, true, now));
        }
        return record(v, changes, "model.tagged", Map.of("added", add, "removed", remove));
    }

    /** Sets the owner, accountable person and description of a version (those given). */
    public ModelEntry describe(String reference, Optional<String> owner, Optional<String> accountable, Optional<String> description) {
        if (owner.isEmpty() && accountable.isEmpty() && description.isEmpty()) {
            throw new UsageException("Nothing to set: give --owner, --accountable or --description");
        }
        ModelVersion v = catalog().resolve(reference);
        Instant now = run.env().clock().instant();
        List<Annotation> changes = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        owner.map(o -> nonBlank(o, "--owner")).ifPresent(o -> {
            changes.add(annotation(v, Annotation.Field.OWNER, o, false, now));
            details.put("owner", o);
        });
        accountable.map(a -> nonBlank(a, "--accountable")).ifPresent(a -> {
            changes.add(annotation(v, Annotation.Field.ACCOUNTABLE, a, false, now));
            details.put("accountable", a);
        });
        description.map(d -> nonBlank(d, "--description")).ifPresent(d -> {
            changes.add(annotation(v, Annotation.Field.DESCRIPTION, d, false, now));
            details.put("description", d);
        });
        return record(v, changes, "model.annotated", details);
    }

    private ModelEntry record(ModelVersion v, List<Annotation> changes, String action, Map<String, ?> details) {
        run.addOutput(new ModelAnnotations(run.env().store(), run.env().layout().keel(KeelTable.MODEL_ANNOTATIONS)).append(changes));
        run.audit(action, ModelRef.of(v).toString(), details);
        return catalog().read().entry(v);
    }

    private Annotation annotation(ModelVersion v, Annotation.Field field, String value, boolean removed, Instant at) {
        return new Annotation(v.name(), v.version(), field, value, removed, run.actor().name(), run.id().value(), at);
    }

    private ModelCatalog catalog() {
        return new ModelCatalog(run.env().store().kernel(), run.env().layout());
    }

    private static String checkTag(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new UsageException("Invalid tag '" + tag + "': use 1-64 lower-case letters, digits, '.', '_', ':' or '-', "
                    + "e.g. nightly or reviewed:2026-q4");
        }
        return tag;
    }

    private static String nonBlank(String value, String option) {
        if (value.isBlank()) {
            throw new UsageException("Empty " + option + ": give a value");
        }
        return value.trim();
    }
}
