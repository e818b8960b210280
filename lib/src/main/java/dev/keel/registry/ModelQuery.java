package dev.keel.registry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.error.UsageException;

/**
 * A search of the registry: every given criterion must hold.
 *
 * @param name a model name, {@code *} matching any characters
 * @param tag a tag the version carries
 * @param owner the version's owner or accountable person
 * @param dataset the dataset its splits were cut from (the split table's name or full path)
 * @param alias an alias pointing at it
 * @param metrics test-metric conditions such as {@code accuracy>0.95}
 */
public record ModelQuery(Optional<String> name, Optional<String> tag, Optional<String> owner, Optional<String> dataset,
        Optional<String> alias, List<MetricFilter> metrics) {
    private static final Pattern CONDITION = Pattern.compile("\\s*([a-z][a-z0-9_]*)\\s*(>=|<=|!=|>|<|=)\\s*(-?[0-9.]+(?:[eE]-?\\d+)?)\\s*");

    public ModelQuery {
        requireNonNull(name, "name");
        requireNonNull(tag, "tag");
        requireNonNull(owner, "owner");
        requireNonNull(dataset, "dataset");
        requireNonNull(alias, "alias");
        metrics = List.copyOf(metrics);
    }

    /**
     * A condition on one test metric; a version without that metric does not match.
     *
     * @param text as given, e.g. {@code accuracy>0.95}
     */
    public record MetricFilter(String text, String metric, DoublePredicate test) {
        /** Parses {@code METRIC OP NUMBER} with OP one of {@code > >= < <= = !=}. */
        public static MetricFilter parse(String text) {
            Matcher m = CONDITION.matcher(text);
            if (!m.matches()) {
                throw new UsageException("Invalid metric filter '" + text + "': expected METRIC OP NUMBER with OP one of > >= < <= = !=, "
                        + "e.g. accuracy>0.95");
            }
            double bound = Double.parseDouble(m.group(3));
            DoublePredicate test = switch (m.group(2)) {
                case ">" -> v -> v > bound;
                case ">=" -> v -> v >= bound;
                case "<" -> v -> v < bound;
                case "<=" -> v -> v <= bound;
                case "=" -> v -> v == bound;
                default -> v -> v != bound;
            };
            return new MetricFilter(text.trim(), m.group(1), test);
        }
    }

    public boolean matches(ModelEntry e) {
        ModelVersion v = e.model();
        return name.map(n -> v.name().matches(globToRegex(n))).orElse(true)
                && tag.map(e.tags()::contains).orElse(true)
                && owner.map(o -> e.owner().equals(o) || e.accountable().filter(o::equals).isPresent()).orElse(true)
                && dataset.map(d -> v.train().table().equals(d) || v.train().table().replaceAll(".*/", "").equals(d)).orElse(true)
                && alias.map(e.aliases()::contains).orElse(true)
                && metrics.stream().allMatch(f -> v.metrics().containsKey(f.metric()) && f.test().test(v.metrics().get(f.metric())));
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return regex.toString();
    }
}
