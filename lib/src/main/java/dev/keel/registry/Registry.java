package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.keel.error.UsageException;

/**
 * The registry as read at one moment: every version, every alias move and every annotation.
 * References resolve against it: {@code NAME@VERSION}, {@code NAME@latest}, {@code NAME@ALIAS}
 * ({@code champion}, {@code staging}, ...) and {@code NAME} alone for the latest.
 *
 * @param source the models table, for messages
 * @param versions by name, then version
 * @param aliasChanges by name, alias, then change
 * @param annotations in the order they were made
 */
public record Registry(String source, List<ModelVersion> versions, List<AliasChange> aliasChanges, List<Annotation> annotations) {
    private static final Pattern REFERENCE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*)(?:@([A-Za-z0-9_-]+))?");

    public Registry {
        requireNonNull(source, "source");
        versions = versions.stream().sorted(Comparator.comparing(ModelVersion::name).thenComparingLong(ModelVersion::version)).toList();
        aliasChanges = aliasChanges.stream().sorted(Comparator.comparing(AliasChange::name).thenComparing(AliasChange::alias)
                .thenComparingLong(AliasChange::change)).toList();
        annotations = List.copyOf(annotations);
    }

    /**
     * The version a reference names.
     *
     * @throws UsageException for a malformed or unknown reference, listing what exists
     */
    public ModelVersion resolve(String reference) {
        Matcher m = REFERENCE.matcher(requireNonNull(reference, "reference"));
        if (!m.matches()) {
            throw new UsageException("Invalid model reference '" + reference + "': expected NAME, NAME@VERSION, NAME@latest or "
                    + "NAME@ALIAS, e.g. digits-mlp@1 or digits-mlp@champion");
        }
        String name = m.group(1);
        String at = m.group(2) == null ? "latest" : m.group(2);
        List<ModelVersion> named = versions(name);
        if (named.isEmpty()) {
            throw new UsageException("Unknown model '" + name + "' in " + source + ": " + (versions.isEmpty()
                    ? "no model is registered yet (keel train registers one)" : "registered are " + summary(versions)));
        }
        if (at.equals("latest")) {
            return named.get(named.size() - 1);
        }
        if (at.matches("\\d+")) {
            long version = Long.parseLong(at);
            return named.stream().filter(v -> v.version() == version).findFirst().orElseThrow(() -> new UsageException(
                    "Unknown version " + version + " of model " + name + ": it has " + summary(named)));
        }
        return holder(name, at).orElseThrow(() -> new UsageException("Unknown version '" + at + "' of model " + name + ": "
                + name + " has " + summary(named) + "; " + aliasSummary(name)));
    }

    /** Every version of {@code name}, oldest first. */
    public List<ModelVersion> versions(String name) {
        return versions.stream().filter(v -> v.name().equals(name)).toList();
    }

    /** The version {@code alias} of {@code name} points at now, if it points anywhere. */
    public Optional<ModelVersion> holder(String name, String alias) {
        Long top = stack(name, alias).peek();
        return top == null ? Optional.empty() : versions(name).stream().filter(v -> v.version() == top).findFirst();
    }

    /**
     * The versions {@code alias} has pointed at that a rollback returns to, newest first: every
     * promotion pushes a version, every rollback pops one.
     */
    public Deque<Long> stack(String name, String alias) {
        Deque<Long> stack = new ArrayDeque<>();
        for (AliasChange c : changes(name, alias)) {
            if (c.action() == AliasChange.Action.PROMOTE) {
                stack.push(c.version());
            } else if (!stack.isEmpty()) {
                stack.pop();
            }
        }
        return stack;
    }

    /** The moves of {@code alias} of {@code name}, oldest first. */
    public List<AliasChange> changes(String name, String alias) {
        return aliasChanges.stream().filter(c -> c.name().equals(name) && c.alias().equals(alias)).toList();
    }

    /** Every alias of {@code name} pointing somewhere now, with the version it points at. */
    public Map<String, Long> aliases(String name) {
        Map<String, Long> held = new TreeMap<>();
        aliasChanges.stream().filter(c -> c.name().equals(name)).map(AliasChange::alias).distinct()
                .forEach(alias -> holder(name, alias).ifPresent(v -> held.put(alias, v.version())));
        return held;
    }

    /** Every version with its aliases, tags, owner and accountable person as they stand now. */
    public List<ModelEntry> entries() {
        Map<String, Map<String, Long>> aliasesByName = new TreeMap<>();
        return versions.stream().map(v -> entry(v, aliasesByName.computeIfAbsent(v.name(), this::aliases))).toList();
    }

    public ModelEntry entry(ModelVersion v) {
        return entry(v, aliases(v.name()));
    }

    /** {@code v} with what was set on it since, given the aliases of its model (alias to the version it points at). */
    private ModelEntry entry(ModelVersion v, Map<String, Long> aliasesOfModel) {
        TreeSet<String> tags = new TreeSet<>();
        String owner = v.owner();
        Optional<String> accountable = Optional.empty();
        Optional<String> description = Optional.empty();
        for (Annotation a : annotations) {
            if (!a.name().equals(v.name()) || a.version() != v.version()) {
                continue;
            }
            switch (a.field()) {
                case TAG -> {
                    if (a.removed()) {
                        tags.remove(a.value());
                    } else {
                        tags.add(a.value());
                    }
                }
                case OWNER -> owner = a.value();
                case ACCOUNTABLE -> accountable = Optional.of(a.value());
                case DESCRIPTION -> description = Optional.of(a.value());
            }
        }
        List<String> aliases = aliasesOfModel.entrySet().stream().filter(e -> e.getValue() == v.version())
                .map(Map.Entry::getKey).toList();
        return new ModelEntry(v, aliases, List.copyOf(tags), owner, accountable, description);
    }

    private String aliasSummary(String name) {
        Map<String, Long> held = aliases(name);
        return held.isEmpty() ? "no alias points at any of its versions yet (keel promote sets one)"
                : "its aliases are " + held.entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue())
                        .collect(Collectors.joining(", "));
    }

    /** {@code name versions 1, 2, 3} for each model, separated by semicolons. */
    private static String summary(List<ModelVersion> versions) {
        return versions.stream().collect(Collectors.groupingBy(ModelVersion::name, TreeMap::new,
                Collectors.mapping(v -> Long.toString(v.version()), Collectors.joining(", "))))
                .entrySet().stream().map(e -> e.getKey() + " versions " + e.getValue()).collect(Collectors.joining("; "));
    }
}
