package dev.keel.quality;

import static java.util.Objects.requireNonNull;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node that remembers where it is (file, line, dotted field path), so that every problem
 * in a contract is reported as {@code file:line: field: what is wrong}. Reads the composed node
 * tree of SnakeYAML; no YAML tags or anchors are interpreted as Java types.
 */
final class YamlNode {
    private final String file;
    private final String path;
    private final Node node;

    private YamlNode(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    static YamlNode parse(String file, Reader reader) {
        try {
            Node root = new Yaml(new LoaderOptions()).compose(reader);
            if (root == null) {
                throw new ContractException(file, 0, "(document)", "the file is empty");
            }
            return new YamlNode(file, "", root);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ContractException(file, line, "(syntax)", "not valid YAML: " + e.getProblem());
        }
    }

    String file() {
        return file;
    }

    int line() {
        return node.getStartMark().getLine() + 1;
    }

    String path() {
        return path.isEmpty() ? "(document)" : path;
    }

    ContractException error(String problem) {
        return new ContractException(file, line(), path(), problem);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** The entries of a mapping, in file order; fails on a key outside {@code allowed}. */
    Map<String, YamlNode> mapping(Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping of " + String.join(", ", allowed));
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ContractException(file, tuple.getKeyNode().getStartMark().getLine() + 1, path(), "keys must be plain names");
            }
            String name = key.getValue();
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (!allowed.isEmpty() && !allowed.contains(name)) {
                throw new ContractException(file, key.getStartMark().getLine() + 1, childPath,
                        "unknown field; allowed here: " + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (entries.put(name, new YamlNode(file, childPath, tuple.getValueNode())) != null) {
                throw new ContractException(file, key.getStartMark().getLine() + 1, childPath, "given twice");
            }
        }
        return entries;
    }

    /** A mapping whose keys are free (column names); values are returned with their paths. */
    Map<String, YamlNode> freeMapping() {
        return mapping(Set.of());
    }

    List<YamlNode> sequence() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            items.add(new YamlNode(file, path + "[" + i + "]", sequence.getValue().get(i)));
        }
        return items;
    }

    /** A list, or a single scalar taken as a list of one. */
    List<YamlNode> sequenceOrScalar() {
        return isScalar() ? List.of(this) : sequence();
    }

    String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value");
        }
        return scalar.getValue();
    }

    String nonBlankText() {
        String value = text();
        if (value.isBlank()) {
            throw error("must not be empty");
        }
        return value;
    }

    boolean bool() {
        String value = text().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error("expected true or false, not '" + text() + "'");
        };
    }

    double number() {
        try {
            return Double.parseDouble(text().trim());
        } catch (NumberFormatException e) {
            throw error("expected a number, not '" + text() + "'");
        }
    }

    long integer() {
        try {
            return Long.parseLong(text().trim());
        } catch (NumberFormatException e) {
            throw error("expected a whole number, not '" + text() + "'");
        }
    }

    List<String> texts() {
        return sequenceOrScalar().stream().map(YamlNode::text).toList();
    }

    static Optional<YamlNode> optional(Map<String, YamlNode> entries, String key) {
        return Optional.ofNullable(entries.get(key));
    }

    YamlNode required(Map<String, YamlNode> entries, String key) {
        YamlNode value = entries.get(requireNonNull(key, "key"));
        if (value == null) {
            throw new ContractException(file, line(), path.isEmpty() ? key : path + "." + key, "required field is missing");
        }
        return value;
    }
}
