package dev.keel.sweep;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import dev.keel.error.UsageException;
import dev.keel.train.ModelSpec;
import dev.keel.train.ModelSpecException;
import dev.keel.train.ModelSpecParser;
import dev.keel.yaml.YamlDocument;
import dev.keel.yaml.YamlNode;

/**
 * A hyper-parameter sweep's grid: values for dotted paths into a model spec
 * ({@code training.learning_rate}, {@code network.layers.0.units}), whose cartesian product is
 * the sweep's candidates, and the validation metric that selects among them.
 *
 * <pre>
 * select: { metric: accuracy, goal: max }
 * parameters:
 *   training.learning_rate: [0.001, 0.003]
 *   network.layers.0.units: [64, 128]
 * </pre>
 *
 * @param file where it was read from
 * @param sha256 SHA-256 of its text
 * @param metric the metric that ranks candidates on the validation split, else the task's default
 * @param maximise whether a higher metric is better, else the metric's natural direction
 * @param parameters each path's values, in file order
 */
public record SweepGrid(String file, String sha256, Optional<String> metric, Optional<Boolean> maximise,
        Map<String, List<Object>> parameters) {
    /** The most candidates one grid may expand to: Slurm's default MaxArraySize allows 1001 tasks. */
    public static final int MAX_CANDIDATES = 1000;
    private static final Pattern PATH = Pattern.compile("[a-z_][a-z0-9_]*(\\.([a-z_][a-z0-9_]*|[0-9]+))*");

    public SweepGrid {
        requireNonNull(file, "file");
        requireNonNull(sha256, "sha256");
        requireNonNull(metric, "metric");
        requireNonNull(maximise, "maximise");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static SweepGrid read(Path file) {
        YamlDocument document = YamlDocument.read(file, "sweep grid", "check the path given to --sweep");
        YamlNode root = document.root(SweepGridException::new);
        Map<String, YamlNode> top = root.mapping(Set.of("select", "parameters"));
        Optional<String> metric = Optional.empty();
        Optional<Boolean> maximise = Optional.empty();
        Optional<YamlNode> select = YamlNode.optional(top, "select");
        if (select.isPresent()) {
            Map<String, YamlNode> s = select.get().mapping(Set.of("metric", "goal"));
            metric = YamlNode.optional(s, "metric").map(n -> n.nonBlankText().trim());
            maximise = YamlNode.optional(s, "goal").map(n -> switch (n.nonBlankText().trim()) {
                case "max" -> true;
                case "min" -> false;
                default -> throw n.error("expected max or min, not '" + n.text() + "'");
            });
        }
        Map<String, List<Object>> parameters = new LinkedHashMap<>();
        long product = 1;
        for (Map.Entry<String, YamlNode> p : root.required(top, "parameters").freeMapping().entrySet()) {
            if (!PATH.matcher(p.getKey()).matches()) {
                throw p.getValue().error("not a spec path: expected dotted field names and list indexes, e.g. network.layers.0.units");
            }
            List<Object> values = p.getValue().sequence().stream().map(YamlNode::plain).toList();
            if (values.isEmpty()) {
                throw p.getValue().error("no values: give a list of at least one value");
            }
            product *= values.size();
            if (product > MAX_CANDIDATES) {
                throw p.getValue().error("the grid expands to more than " + MAX_CANDIDATES + " candidates: sweep fewer values");
            }
            parameters.put(p.getKey(), values);
        }
        if (parameters.isEmpty()) {
            throw root.required(top, "parameters").error("no parameters: give at least one path with a list of values");
        }
        return new SweepGrid(document.name(), document.sha256(), metric, maximise, parameters);
    }

    /** How many candidates the grid expands to. */
    public int size() {
        return parameters.values().stream().mapToInt(List::size).reduce(1, Math::multiplyExact);
    }

    /** Candidate {@code index} of {@link #expand}, or an error naming how many there are. */
    public Candidate candidate(ModelSpec base, int index) {
        List<Candidate> all = expand(base);
        if (index < 0 || index >= all.size()) {
            throw new UsageException("Sweep grid " + file + " has candidates 0-" + (all.size() - 1) + ", not " + index
                    + ": give --candidate within that range (Slurm's array index)");
        }
        return all.get(index);
    }

    /**
     * Every candidate: the base spec's text with one combination of values set, parsed and checked
     * as a spec of its own. The first path varies slowest.
     */
    public List<Candidate> expand(ModelSpec base) {
        List<Map<String, Object>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        parameters.forEach((path, values) -> {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> c : combinations) {
                for (Object v : values) {
                    Map<String, Object> extended = new LinkedHashMap<>(c);
                    extended.put(path, v);
                    next.add(extended);
                }
            }
            combinations.clear();
            combinations.addAll(next);
        });
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < combinations.size(); i++) {
            Map<String, Object> overrides = combinations.get(i);
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(base.text());
            overrides.forEach((path, value) -> set(tree, path, value, base));
            String label = Candidate.label(overrides);
            String text = "# Candidate " + i + " of sweep grid " + file + ": " + label + "\n# Base spec: " + base.file() + "\n"
                    + dump(tree);
            ModelSpec spec;
            try {
                spec = ModelSpecParser.parse(base.file() + " swept by " + file + " (candidate " + i + ")", text);
            } catch (ModelSpecException e) {
                throw new UsageException("Sweep grid " + file + " makes an invalid spec: " + e.getMessage()
                        + "; fix the grid's values for " + String.join(", ", overrides.keySet()));
            }
            if (!spec.name().equals(base.name())) {
                throw new UsageException("Sweep grid " + file + " changes the model name to '" + spec.name() + "': a sweep trains versions "
                        + "of one model (" + base.name() + "); remove 'model' from the grid");
            }
            candidates.add(new Candidate(i, overrides, text, spec));
        }
        return candidates;
    }

    @SuppressWarnings("unchecked")
    private void set(Object tree, String path, Object value, ModelSpec base) {
        String[] parts = path.split("\\.");
        Object node = tree;
        for (int i = 0; i < parts.length; i++) {
            boolean last = i == parts.length - 1;
            String part = parts[i];
            String at = String.join(".", java.util.Arrays.copyOfRange(parts, 0, i + 1));
            if (node instanceof Map<?, ?> map) {
                Map<String, Object> m = (Map<String, Object>) map;
                if (last) {
                    m.put(part, value);
                    return;
                }
                if (!m.containsKey(part)) {
                    m.put(part, new LinkedHashMap<String, Object>());
                }
                node = m.get(part);
            } else if (node instanceof List<?> list && part.matches("[0-9]+")) {
                int index = Integer.parseInt(part);
                if (index >= list.size()) {
                    throw new UsageException("Sweep grid " + file + ": parameters." + path + ": the spec " + base.file() + " has only "
                            + list.size() + " item(s) at " + at.substring(0, at.lastIndexOf('.')) + "; index from 0");
                }
                if (last) {
                    ((List<Object>) list).set(index, value);
                    return;
                }
                node = list.get(index);
            } else {
                throw new UsageException("Sweep grid " + file + ": parameters." + path + ": " + at.substring(0, Math.max(0,
                        at.lastIndexOf('.'))) + " in the spec " + base.file() + " is " + (node instanceof List ? "a list: index it by "
                                + "number" : "a single value") + ", not a mapping with '" + part + "'");
            }
        }
    }

    private static String dump(Object tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        return new Yaml(new Representer(options), options).dump(tree);
    }
}
