package dev.keel.yaml;

import static java.util.Objects.requireNonNull;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that remembers where it is (file, line, dotted field path), so that every problem
 * in a declarative file (a data contract, a model spec) is reported as
 * {@code file:line: field: what is wrong}, as the file kind's own exception. Reads the composed
 * node tree of SnakeYAML; no YAML tags or anchors are interpreted as Java types.
 */
public final class YamlNode {
    /** Makes the exception a file kind reports its problems with. */
    @FunctionalInterface
    public interface Problems {
        RuntimeException at(String file, int line, String field, String problem);
    }

    private static final Pattern RANGE = Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}");
    private static final int MAX_RANGE = 10_000;

    private final String file;
    private final String path;
    private final Node node;
    private final Problems problems;

    private YamlNode(String file, String path, Node node, Problems problems) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    public static YamlNode parse(String file, Reader reader, Problems problems) {
        try {
            Node root = new Yaml(new LoaderOptions()).compose(reader);
            if (root == null) {
                throw problems.at(file, 0, "(document)", "the file is empty");
            }
            return new YamlNode(file, "", root, problems);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw problems.at(file, line, "(syntax)", "not valid YAML: " + e.getProblem());
        }
    }

    public String file() {
        return file;
    }

    public int line() {
        return node.getStartMark().getLine() + 1;
    }

    public String path() {
        return path.isEmpty() ? "(document)" : path;
    }

    public RuntimeException error(String problem) {
        return problems.at(file, line(), path(), problem);
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** The entries of a mapping, in file order; fails on a key outside {@code allowed}. */
    public Map<String, YamlNode> mapping(Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping of " + String.join(", ", allowed));
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw problems.at(file, tuple.getKeyNode().getStartMark().getLine() + 1, path(), "keys must be plain names");
            }
            String name = key.getValue();
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (!allowed.isEmpty() && !allowed.contains(name)) {
                throw problems.at(file, key.getStartMark().getLine() + 1, childPath,
                        "unknown field; allowed here: " + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (entries.put(name, new YamlNode(file, childPath, tuple.getValueNode(), problems)) != null) {
                throw problems.at(file, key.getStartMark().getLine() + 1, childPath, "given twice");
            }
        }
        return entries;
    }

    /** A mapping whose keys are free (column names); values are returned with their paths. */
    public Map<String, YamlNode> freeMapping() {
        return mapping(Set.of());
    }

    public List<YamlNode> sequence() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            items.add(new YamlNode(file, path + "[" + i + "]", sequence.getValue().get(i), problems));
        }
        return items;
    }

    /** A list, or a single scalar taken as a list of one. */
    public List<YamlNode> sequenceOrScalar() {
        return isScalar() ? List.of(this) : sequence();
    }

    public String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value");
        }
        return scalar.getValue();
    }

    public String nonBlankText() {
        String value = text();
        if (value.isBlank()) {
            throw error("must not be empty");
        }
        return value;
    }

    public boolean bool() {
        String value = text().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error("expected true or false, not '" + text() + "'");
        };
    }

    public double number() {
        try {
            return Double.parseDouble(text().trim());
        } catch (NumberFormatException e) {
            throw error("expected a number, not '" + text() + "'");
        }
    }

    public long integer() {
        try {
            return Long.parseLong(text().trim());
        } catch (NumberFormatException e) {
            throw error("expected a whole number, not '" + text() + "'");
        }
    }

    /** The text with its brace range expanded: {@code p{0..2}} is p0, p1, p2. */
    public List<String> expandedNames() {
        return expandedNames(nonBlankText());
    }

    /** {@code text} (found in this node) with its brace range expanded, each name trimmed. */
    public List<String> expandedNames(String text) {
        Matcher m = RANGE.matcher(text);
        if (!m.find()) {
            return List.of(text.trim());
        }
        int from = Integer.parseInt(m.group(1));
        int to = Integer.parseInt(m.group(2));
        if (from > to || to - from > MAX_RANGE) {
            throw error("bad range {" + from + ".." + to + "}: expected {FROM..TO} with FROM <= TO, at most " + MAX_RANGE + " apart");
        }
        List<String> names = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            names.add((text.substring(0, m.start()) + i + text.substring(m.end())).trim());
        }
        return names;
    }

    /**
     * The node as plain values: strings, {@code Long}, {@code Double}, {@code Boolean}, null,
     * lists and insertion-ordered maps, typed as YAML's core schema resolves plain scalars.
     */
    public Object plain() {
        if (node instanceof ScalarNode scalar) {
            String value = scalar.getValue();
            Tag tag = scalar.getTag();
            try {
                if (Tag.INT.equals(tag)) {
                    return Long.decode(value.replace("_", ""));
                }
                if (Tag.FLOAT.equals(tag)) {
                    return Double.parseDouble(value.replace("_", ""));
                }
            } catch (NumberFormatException e) {
                return value;
            }
            if (Tag.BOOL.equals(tag)) {
                return bool();
            }
            return Tag.NULL.equals(tag) ? null : value;
        }
        if (node instanceof SequenceNode) {
            return sequence().stream().map(YamlNode::plain).toList();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        freeMapping().forEach((k, v) -> values.put(k, v.plain()));
        return values;
    }

    public List<String> texts() {
        return sequenceOrScalar().stream().map(YamlNode::text).toList();
    }

    public static Optional<YamlNode> optional(Map<String, YamlNode> entries, String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public YamlNode required(Map<String, YamlNode> entries, String key) {
        YamlNode value = entries.get(requireNonNull(key, "key"));
        if (value == null) {
            throw problems.at(file, line(), path.isEmpty() ? key : path + "." + key, "required field is missing");
        }
        return value;
    }
}
