package dev.keel.release;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.keel.compare.Slice;
import dev.keel.release.ReleasePolicy.ChampionGuard;
import dev.keel.release.ReleasePolicy.Gates;
import dev.keel.release.ReleasePolicy.Golden;
import dev.keel.release.ReleasePolicy.Latency;
import dev.keel.release.ReleasePolicy.SliceGuard;
import dev.keel.yaml.YamlDocument;
import dev.keel.yaml.YamlNode;

/**
 * Reads a release policy from YAML and checks all of it before any Spark work: every problem
 * names the file, line and field.
 *
 * <pre>
 * model: digits-mlp
 * evaluation:
 *   slices:
 *     - column: station
 *     - { name: faint, where: "pixel_36 &lt; 4" }
 * gates:
 *   minimum: { accuracy: 0.95 }
 *   champion: { max_drop: { accuracy: 0.01 }, not_significantly_worse: true }
 *   slices: { minimum: { accuracy: 0.9 }, min_examples: 20 }
 *   golden: { file: digits-mlp-golden.csv, min_agreement: 1.0 }
 *   latency: { batch_size: 256, max_ms: 50 }
 * </pre>
 */
public final class ReleasePolicyParser {
    /** The metrics an evaluation reports, and therefore the ones a gate can name. */
    public static final Set<String> METRICS = Set.of("accuracy", "macro_f1");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    private ReleasePolicyParser() {
    }

    /** The policy of {@code model} in {@code dir}, or {@link ReleasePolicy#none} when it has no file there. */
    public static ReleasePolicy forModel(Path dir, String model) {
        Path file = dir.resolve(model + ".yaml");
        return Files.isRegularFile(file) ? parse(file) : ReleasePolicy.none(model);
    }

    public static ReleasePolicy parse(Path file) {
        YamlDocument document = YamlDocument.read(file, "release policy", "check release.dir");
        Path base = file.toAbsolutePath().getParent();
        return parse(document, base);
    }

    /** Parses policy text that did not come from a file of its own; golden files resolve against {@code base}. */
    public static ReleasePolicy parse(String name, String yaml, Path base) {
        return parse(YamlDocument.of(name, yaml), base);
    }

    private static ReleasePolicy parse(YamlDocument document, Path base) {
        YamlNode root = document.root(ReleasePolicyException::new);
        Map<String, YamlNode> top = root.mapping(Set.of("model", "evaluation", "gates"));
        String model = root.required(top, "model").nonBlankText().trim();
        List<Slice> slices = new ArrayList<>();
        YamlNode.optional(top, "evaluation").ifPresent(e -> {
            Map<String, YamlNode> fields = e.mapping(Set.of("slices"));
            YamlNode.optional(fields, "slices").ifPresent(list -> {
                for (YamlNode s : list.sequence()) {
                    Slice slice = slice(s);
                    if (slices.stream().anyMatch(x -> x.name().equals(slice.name()))) {
                        throw s.error("slice '" + slice.name() + "' is declared twice");
                    }
                    slices.add(slice);
                }
            });
        });
        Gates gates = YamlNode.optional(top, "gates").map(g -> gates(g, base))
                .orElse(ReleasePolicy.none(model).gates());
        return new ReleasePolicy(model, document.name(), document.sha256(), slices, gates);
    }

    private static Slice slice(YamlNode s) {
        Map<String, YamlNode> f = s.mapping(Set.of("name", "column", "where"));
        Optional<String> column = YamlNode.optional(f, "column").map(n -> name(n, "column"));
        Optional<String> where = YamlNode.optional(f, "where").map(n -> n.nonBlankText().trim());
        if (column.isPresent() == where.isPresent()) {
            throw s.error("give either column (a slice per value) or where (a Spark SQL condition), not " + (column.isPresent()
                    ? "both" : "neither"));
        }
        Optional<String> name = YamlNode.optional(f, "name").map(n -> name(n, "slice"));
        if (where.isPresent() && name.isEmpty()) {
            throw s.error("a where slice needs a name");
        }
        return new Slice(name.orElse(column.orElse("")), column, where);
    }

    private static Gates gates(YamlNode g, Path base) {
        Map<String, YamlNode> f = g.mapping(Set.of("minimum", "champion", "slices", "golden", "latency"));
        Map<String, Double> minimum = YamlNode.optional(f, "minimum").map(ReleasePolicyParser::fractions).orElse(Map.of());
        Optional<ChampionGuard> champion = YamlNode.optional(f, "champion").map(c -> {
            Map<String, YamlNode> cf = c.mapping(Set.of("alias", "max_drop", "not_significantly_worse", "alpha"));
            double alpha = YamlNode.optional(cf, "alpha").map(a -> between(a, 0, 0.5)).orElse(0.05);
            return new ChampionGuard(YamlNode.optional(cf, "alias").map(a -> name(a, "alias")).orElse("champion"),
                    YamlNode.optional(cf, "max_drop").map(ReleasePolicyParser::fractions).orElse(Map.of()),
                    YamlNode.optional(cf, "not_significantly_worse").map(YamlNode::bool).orElse(true), alpha);
        });
        Optional<SliceGuard> slices = YamlNode.optional(f, "slices").map(s -> {
            Map<String, YamlNode> sf = s.mapping(Set.of("minimum", "min_examples"));
            long minExamples = YamlNode.optional(sf, "min_examples").map(n -> {
                long v = n.integer();
                if (v < 1) {
                    throw n.error("give at least 1");
                }
                return v;
            }).orElse(1L);
            return new SliceGuard(fractions(s.required(sf, "minimum")), minExamples);
        });
        Optional<Golden> golden = YamlNode.optional(f, "golden").map(n -> {
            Map<String, YamlNode> gf = n.mapping(Set.of("file", "min_agreement"));
            YamlNode fileNode = n.required(gf, "file");
            Path file = base.resolve(fileNode.nonBlankText().trim());
            if (!Files.isRegularFile(file)) {
                throw fileNode.error("golden set " + file + " does not exist: give a CSV path relative to the policy file");
            }
            return new Golden(file, YamlNode.optional(gf, "min_agreement").map(a -> between(a, 0, 1)).orElse(1.0));
        });
        Optional<Latency> latency = YamlNode.optional(f, "latency").map(n -> {
            Map<String, YamlNode> lf = n.mapping(Set.of("batch_size", "max_ms"));
            YamlNode size = n.required(lf, "batch_size");
            if (size.integer() < 1 || size.integer() > 1_000_000) {
                throw size.error("give a batch size from 1 to 1000000");
            }
            YamlNode ms = n.required(lf, "max_ms");
            if (!(ms.number() > 0)) {
                throw ms.error("give a positive number of milliseconds");
            }
            return new Latency((int) size.integer(), ms.number());
        });
        return new Gates(minimum, champion, slices, golden, latency);
    }

    private static Map<String, Double> fractions(YamlNode n) {
        Map<String, Double> out = new LinkedHashMap<>();
        n.freeMapping().forEach((metric, value) -> {
            if (!METRICS.contains(metric)) {
                throw value.error("unknown metric '" + metric + "': evaluations report " + String.join(", ", METRICS.stream().sorted()
                        .toList()));
            }
            out.put(metric, between(value, 0, 1));
        });
        return out;
    }

    private static double between(YamlNode n, double low, double high) {
        double v = n.number();
        if (!(v >= low && v <= high)) {
            throw n.error("expected a number from " + low + " to " + high + ", not " + v);
        }
        return v;
    }

    private static String name(YamlNode n, String kind) {
        String v = n.nonBlankText().trim();
        if (!NAME.matcher(v).matches()) {
            throw n.error("invalid " + kind + " name '" + v + "'");
        }
        return v;
    }
}
