package dev.keel.quality;

import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.parser.ParseException;

import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout;
import dev.keel.yaml.YamlDocument;
import dev.keel.yaml.YamlNode;

/**
 * Reads a contract from YAML and checks it completely before any data is read: every problem
 * names the file, the line and the field. Column names may use brace ranges
 * ({@code pixel_{0..63}}) where they are declared, and {@code *} wildcards where they are referred to.
 */
public final class ContractParser {
    private static final Set<String> TOP = Set.of("dataset", "description", "format", "csv", "columns", "cleaning", "rules",
            "primary_key", "dedup", "partition_by", "dataset_rules");
    private static final List<String> DEFAULT_NULL_TOKENS = List.of("");

    /** The fixed columns of a {@link SourceFormat#BINARY} dataset. */
    public static final List<ColumnSpec> BINARY_COLUMNS = List.of(
            new ColumnSpec("path", ColumnType.STRING, false, Optional.empty()),
            new ColumnSpec("size", ColumnType.LONG, false, Optional.empty()),
            new ColumnSpec("modification_time", ColumnType.TIMESTAMP, false, Optional.empty()),
            new ColumnSpec("sha256", ColumnType.STRING, false, Optional.empty()),
            new ColumnSpec("content", ColumnType.BINARY, false, Optional.empty()));

    private ContractParser() {
    }

    public static Contract parse(Path file) {
        return parse(YamlDocument.read(file, "contract", "check the path, or pass --contract FILE"));
    }

    /**
     * Parses contract text that did not come from a file of its own (a test, an embedded resource).
     *
     * @param name how errors name the contract
     */
    public static Contract parse(String name, String yaml) {
        return parse(YamlDocument.of(name, yaml));
    }

    private static Contract parse(YamlDocument document) {
        String file = document.name();
        String sha256 = document.sha256();
        YamlNode root = document.root(ContractException::new);
        Map<String, YamlNode> top = root.mapping(TOP);

        YamlNode datasetNode = root.required(top, "dataset");
        String dataset = datasetNode.nonBlankText();
        try {
            LakeLayout.checkName("dataset", dataset);
        } catch (UsageException e) {
            throw datasetNode.error(e.getMessage());
        }
        String description = YamlNode.optional(top, "description").map(YamlNode::text).orElse("");
        SourceFormat format = YamlNode.optional(top, "format").map(ContractParser::format).orElse(SourceFormat.CSV);
        CsvOptions csv = YamlNode.optional(top, "csv").map(ContractParser::csv).orElse(CsvOptions.defaults());
        if (top.containsKey("csv") && format != SourceFormat.CSV) {
            throw top.get("csv").error("csv options given, but format is " + format.name().toLowerCase(Locale.ROOT));
        }

        List<ColumnSpec> columns = format == SourceFormat.BINARY && !top.containsKey("columns")
                ? BINARY_COLUMNS
                : columns(root.required(top, "columns"), format);

        Scope scope = new Scope(columns);
        boolean trim = true;
        List<String> nullTokens = DEFAULT_NULL_TOKENS;
        Map<String, ColumnCleaning> cleaning = new LinkedHashMap<>();
        if (top.containsKey("cleaning")) {
            Map<String, YamlNode> c = top.get("cleaning").mapping(Set.of("trim", "null_tokens", "columns"));
            trim = YamlNode.optional(c, "trim").map(YamlNode::bool).orElse(true);
            nullTokens = YamlNode.optional(c, "null_tokens").map(YamlNode::texts).orElse(DEFAULT_NULL_TOKENS);
            if (c.containsKey("columns")) {
                for (Map.Entry<String, YamlNode> e : c.get("columns").freeMapping().entrySet()) {
                    for (String column : scope.resolve(e.getValue(), e.getKey())) {
                        cleaning.put(column, columnCleaning(e.getValue(), scope.type(column)));
                    }
                }
            }
        }

        List<RowRule> rules = new ArrayList<>();
        Set<String> ruleNames = new LinkedHashSet<>();
        if (top.containsKey("rules")) {
            for (YamlNode r : top.get("rules").sequence()) {
                RowRule rule = rule(r, scope);
                if (!ruleNames.add(rule.name())) {
                    throw r.error("rule name '" + rule.name() + "' is used twice");
                }
                rules.add(rule);
            }
        }

        List<String> primaryKey = YamlNode.optional(top, "primary_key").map(n -> scope.resolveAll(n)).orElse(List.of());
        Optional<Dedup> dedup = Optional.empty();
        if (top.containsKey("dedup")) {
            YamlNode d = top.get("dedup");
            if (primaryKey.isEmpty()) {
                throw d.error("dedup needs a primary_key to know which rows are duplicates");
            }
            Map<String, YamlNode> fields = d.mapping(Set.of("keep", "order_by"));
            YamlNode keep = d.required(fields, "keep");
            Dedup.Keep k = switch (keep.text().trim().toLowerCase(Locale.ROOT)) {
                case "latest" -> Dedup.Keep.LATEST;
                case "earliest" -> Dedup.Keep.EARLIEST;
                default -> throw keep.error("expected latest or earliest, not '" + keep.text() + "'");
            };
            YamlNode orderBy = d.required(fields, "order_by");
            dedup = Optional.of(new Dedup(k, scope.one(orderBy, orderBy.text())));
        }
        List<String> partitionBy = YamlNode.optional(top, "partition_by").map(n -> scope.resolveAll(n)).orElse(List.of());
        if (partitionBy.size() > 3) {
            throw top.get("partition_by").error("at most 3 partition columns; more make tiny files");
        }
        DatasetRules datasetRules = YamlNode.optional(top, "dataset_rules").map(n -> datasetRules(n, scope))
                .orElse(DatasetRules.none());

        return new Contract(dataset, description, format, csv, columns, trim, nullTokens, cleaning, rules, primaryKey, dedup,
                partitionBy, datasetRules, file, sha256);
    }

    private static SourceFormat format(YamlNode n) {
        try {
            return SourceFormat.valueOf(n.text().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.error("expected csv, json, parquet or binary, not '" + n.text() + "'");
        }
    }

    private static CsvOptions csv(YamlNode n) {
        Map<String, YamlNode> f = n.mapping(Set.of("header", "delimiter", "quote", "escape", "encoding"));
        CsvOptions d = CsvOptions.defaults();
        String encoding = YamlNode.optional(f, "encoding").map(YamlNode::nonBlankText).orElse(d.encoding());
        if (!java.nio.charset.Charset.isSupported(encoding)) {
            throw f.get("encoding").error("unknown character set '" + encoding + "'; e.g. UTF-8, ISO-8859-1, UTF-16");
        }
        return new CsvOptions(
                YamlNode.optional(f, "header").map(YamlNode::bool).orElse(d.header()),
                YamlNode.optional(f, "delimiter").map(ContractParser::singleChar).orElse(d.delimiter()),
                YamlNode.optional(f, "quote").map(ContractParser::singleChar).orElse(d.quote()),
                YamlNode.optional(f, "escape").map(ContractParser::singleChar).orElse(d.escape()),
                encoding);
    }

    private static String singleChar(YamlNode n) {
        String value = n.text();
        if (value.equals("\\t")) {
            return "\t";
        }
        if (value.length() != 1) {
            throw n.error("expected one character, not '" + value + "'");
        }
        return value;
    }

    private static List<ColumnSpec> columns(YamlNode node, SourceFormat format) {
        List<ColumnSpec> columns = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (YamlNode c : node.sequence()) {
            Map<String, YamlNode> f = c.mapping(Set.of("name", "type", "nullable", "format", "description"));
            YamlNode nameNode = c.required(f, "name");
            YamlNode typeNode = c.required(f, "type");
            ColumnType type;
            try {
                type = ColumnType.valueOf(typeNode.text().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw typeNode.error("unknown type '" + typeNode.text() + "'; expected one of string, int, long, double, "
                        + "boolean, date, timestamp, binary");
            }
            boolean nullable = YamlNode.optional(f, "nullable").map(YamlNode::bool).orElse(true);
            Optional<String> pattern = YamlNode.optional(f, "format").map(YamlNode::nonBlankText);
            if (pattern.isPresent()) {
                if (type != ColumnType.DATE && type != ColumnType.TIMESTAMP) {
                    throw f.get("format").error("a format applies to date and timestamp columns, not " + type.yamlName());
                }
                try {
                    DateTimeFormatter.ofPattern(pattern.get());
                } catch (IllegalArgumentException e) {
                    throw f.get("format").error("invalid date/time pattern '" + pattern.get() + "': " + e.getMessage());
                }
            }
            for (String name : nameNode.expandedNames()) {
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || name.startsWith("_")) {
                    throw nameNode.error("invalid column name '" + name + "': use letters, digits and '_', not starting "
                            + "with '_' or a digit");
                }
                if (!names.add(name)) {
                    throw nameNode.error("column '" + name + "' is declared twice");
                }
                columns.add(new ColumnSpec(name, type, nullable, pattern));
            }
        }
        if (columns.isEmpty()) {
            throw node.error("a contract needs at least one column");
        }
        if (format == SourceFormat.BINARY) {
            for (ColumnSpec c : columns) {
                ColumnSpec fixed = BINARY_COLUMNS.stream().filter(b -> b.name().equals(c.name())).findFirst()
                        .orElseThrow(() -> node.error("binary datasets have the columns path, size, modification_time, "
                                + "sha256 and content, not '" + c.name() + "'"));
                if (fixed.type() != c.type()) {
                    throw node.error("binary column " + c.name() + " is " + fixed.type().yamlName() + ", not " + c.type().yamlName());
                }
            }
        }
        return columns;
    }

    private static ColumnCleaning columnCleaning(YamlNode n, ColumnType type) {
        Map<String, YamlNode> f = n.mapping(Set.of("trim", "null_tokens", "regex_replace", "case", "default", "unit"));
        List<ColumnCleaning.Replacement> replacements = new ArrayList<>();
        if (f.containsKey("regex_replace")) {
            for (YamlNode r : f.get("regex_replace").sequence()) {
                Map<String, YamlNode> rf = r.mapping(Set.of("pattern", "replacement"));
                YamlNode pattern = r.required(rf, "pattern");
                compile(pattern);
                replacements.add(new ColumnCleaning.Replacement(pattern.text(),
                        YamlNode.optional(rf, "replacement").map(YamlNode::text).orElse("")));
            }
        }
        Optional<ColumnCleaning.LetterCase> letterCase = YamlNode.optional(f, "case").map(c -> {
            try {
                return ColumnCleaning.LetterCase.valueOf(c.text().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw c.error("expected lower or upper, not '" + c.text() + "'");
            }
        });
        Optional<UnitConversion> unit = YamlNode.optional(f, "unit").map(u -> {
            if (!type.numeric()) {
                throw u.error("a unit cast needs a numeric column (int, long, double), not " + type.yamlName());
            }
            Map<String, YamlNode> uf = u.mapping(Set.of("from", "to"));
            String from = u.required(uf, "from").text().trim();
            String to = u.required(uf, "to").text().trim();
            return UnitConversion.between(from, to).orElseThrow(() -> u.error("cannot convert '" + from + "' to '" + to
                    + "'; known units: " + UnitConversion.knownUnits()));
        });
        if (unit.isPresent() && type != ColumnType.DOUBLE) {
            throw f.get("unit").error("a unit cast produces fractions: declare the column as double");
        }
        return new ColumnCleaning(
                YamlNode.optional(f, "trim").map(YamlNode::bool),
                YamlNode.optional(f, "null_tokens").map(YamlNode::texts).orElse(List.of()),
                replacements,
                letterCase,
                YamlNode.optional(f, "default").map(YamlNode::text),
                unit);
    }

    private static RowRule rule(YamlNode r, Scope scope) {
        Map<String, YamlNode> f = r.mapping(Set.of("name", "column", "columns", "not_null", "range", "regex", "allowed", "sql"));
        YamlNode nameNode = r.required(f, "name");
        String name = nameNode.nonBlankText();
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw nameNode.error("rule names are lower-case letters, digits and '_', not '" + name + "'");
        }
        List<String> kinds = List.of("not_null", "range", "regex", "allowed", "sql").stream().filter(f::containsKey).toList();
        if (kinds.size() != 1) {
            throw r.error("a rule needs exactly one of not_null, range, regex, allowed, sql; found "
                    + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
        }
        String kind = kinds.get(0);
        if (kind.equals("sql")) {
            if (f.containsKey("column") || f.containsKey("columns")) {
                throw r.error("a sql rule refers to columns in its expression, not with column/columns");
            }
            YamlNode sql = f.get("sql");
            String expression = checkSql(sql, scope);
            return new RowRule(name, RowRule.Kind.SQL, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                    List.of(), Optional.of(expression));
        }
        if (f.containsKey("column") == f.containsKey("columns")) {
            throw r.error("a " + kind + " rule needs column (one) or columns (a list)");
        }
        YamlNode target = f.containsKey("column") ? f.get("column") : f.get("columns");
        List<String> columns = scope.resolveAll(target);
        YamlNode spec = f.get(kind);
        switch (kind) {
            case "not_null" -> {
                if (!spec.bool()) {
                    throw spec.error("not_null: false checks nothing; remove the rule");
                }
                return new RowRule(name, RowRule.Kind.NOT_NULL, columns, Optional.empty(), Optional.empty(), Optional.empty(),
                        List.of(), Optional.empty());
            }
            case "range" -> {
                for (String c : columns) {
                    if (!scope.type(c).numeric()) {
                        throw spec.error("range needs numeric columns; " + c + " is " + scope.type(c).yamlName());
                    }
                }
                Map<String, YamlNode> bounds = spec.mapping(Set.of("min", "max"));
                Optional<Double> min = YamlNode.optional(bounds, "min").map(YamlNode::number);
                Optional<Double> max = YamlNode.optional(bounds, "max").map(YamlNode::number);
                if (min.isEmpty() && max.isEmpty()) {
                    throw spec.error("range needs min, max or both");
                }
                if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
                    throw spec.error("min " + min.get() + " is greater than max " + max.get());
                }
                return new RowRule(name, RowRule.Kind.RANGE, columns, min, max, Optional.empty(), List.of(), Optional.empty());
            }
            case "regex" -> {
                compile(spec);
                return new RowRule(name, RowRule.Kind.REGEX, columns, Optional.empty(), Optional.empty(), Optional.of(spec.text()),
                        List.of(), Optional.empty());
            }
            default -> {
                List<String> allowed = spec.sequence().stream().map(YamlNode::text).toList();
                if (allowed.isEmpty()) {
                    throw spec.error("allowed needs at least one value");
                }
                return new RowRule(name, RowRule.Kind.ALLOWED, columns, Optional.empty(), Optional.empty(), Optional.empty(),
                        allowed, Optional.empty());
            }
        }
    }

    private static DatasetRules datasetRules(YamlNode n, Scope scope) {
        Map<String, YamlNode> f = n.mapping(Set.of("min_rows", "completeness", "unique", "max_quarantine_ratio", "checks"));
        Optional<Long> minRows = YamlNode.optional(f, "min_rows").map(m -> {
            long v = m.integer();
            if (v < 0) {
                throw m.error("min_rows cannot be negative");
            }
            return v;
        });
        Map<String, Double> completeness = new LinkedHashMap<>();
        if (f.containsKey("completeness")) {
            for (Map.Entry<String, YamlNode> e : f.get("completeness").freeMapping().entrySet()) {
                double v = fraction(e.getValue());
                scope.resolve(e.getValue(), e.getKey()).forEach(c -> completeness.put(c, v));
            }
        }
        List<List<String>> unique = new ArrayList<>();
        if (f.containsKey("unique")) {
            for (YamlNode set : f.get("unique").sequence()) {
                unique.add(scope.resolveAll(set));
            }
        }
        Optional<Double> maxQuarantine = YamlNode.optional(f, "max_quarantine_ratio").map(ContractParser::fraction);
        List<DatasetRules.Check> checks = new ArrayList<>();
        if (f.containsKey("checks")) {
            for (YamlNode c : f.get("checks").sequence()) {
                Map<String, YamlNode> cf = c.mapping(Set.of("name", "condition"));
                String name = c.required(cf, "name").nonBlankText();
                YamlNode condition = c.required(cf, "condition");
                checks.add(new DatasetRules.Check(name, checkSql(condition, scope)));
            }
        }
        return new DatasetRules(minRows, completeness, unique, maxQuarantine, checks);
    }

    private static double fraction(YamlNode n) {
        double v = n.number();
        if (v < 0 || v > 1) {
            throw n.error("expected a fraction from 0 to 1, not " + n.text());
        }
        return v;
    }

    private static void compile(YamlNode n) {
        try {
            Pattern.compile(n.text());
        } catch (PatternSyntaxException e) {
            throw n.error("invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    /**
     * Expands brace ranges in a Spark SQL expression into comma-separated lists
     * ({@code greatest(p_{0..2})} is {@code greatest(p_0, p_1, p_2)}), parses it, and checks that every
     * column it names is declared.
     *
     * @return the expanded expression
     */
    private static String checkSql(YamlNode n, Scope scope) {
        Expression parsed;
        String text = expandInline(n, n.nonBlankText());
        try {
            parsed = CatalystSqlParser$.MODULE$.parseExpression(text);
        } catch (Exception e) {
            String reason = e instanceof ParseException p ? p.getMessage() : String.valueOf(e.getMessage());
            throw n.error("not a valid Spark SQL expression: " + reason.lines().findFirst().orElse("").trim());
        }
        List<UnresolvedAttribute> attributes = new ArrayList<>();
        collect(parsed, attributes);
        Set<String> lambdaVariables = new LinkedHashSet<>();
        collectLambdaVariables(parsed, lambdaVariables);
        for (UnresolvedAttribute a : attributes) {
            String column = a.nameParts().head();
            if (!scope.has(column) && !lambdaVariables.contains(column)) {
                throw n.error("the expression names column '" + column + "', which the contract does not declare");
            }
        }
        return text;
    }

    private static String expandInline(YamlNode n, String text) {
        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)?\\{(\\d+)\\.\\.(\\d+)}([A-Za-z0-9_]*)").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int from = Integer.parseInt(m.group(2));
            int to = Integer.parseInt(m.group(3));
            if (from > to || to - from > 10_000) {
                throw n.error("bad range {" + from + ".." + to + "}");
            }
            List<String> names = new ArrayList<>();
            for (int i = from; i <= to; i++) {
                names.add((m.group(1) == null ? "" : m.group(1)) + i + m.group(4));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.join(", ", names)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void collect(Expression e, List<UnresolvedAttribute> into) {
        if (e instanceof UnresolvedAttribute a) {
            into.add(a);
        }
        scala.collection.Iterator<Expression> children = e.children().iterator();
        while (children.hasNext()) {
            collect(children.next(), into);
        }
    }

    private static void collectLambdaVariables(Expression e, Set<String> into) {
        if (e instanceof org.apache.spark.sql.catalyst.expressions.UnresolvedNamedLambdaVariable v) {
            into.add(v.nameParts().head());
        }
        scala.collection.Iterator<Expression> children = e.children().iterator();
        while (children.hasNext()) {
            collectLambdaVariables(children.next(), into);
        }
    }

    /** The declared columns, for resolving references. */
    private static final class Scope {
        private final Map<String, ColumnType> types = new LinkedHashMap<>();

        Scope(List<ColumnSpec> columns) {
            columns.forEach(c -> types.put(c.name(), c.type()));
        }

        boolean has(String column) {
            return types.containsKey(column);
        }

        ColumnType type(String column) {
            return types.get(column);
        }

        /** Columns named by {@code reference} (a name, a brace range or a * pattern), at least one. */
        List<String> resolve(YamlNode where, String reference) {
            List<String> matched = new ArrayList<>();
            for (String part : where.expandedNames(reference)) {
                if (part.contains("*")) {
                    Pattern glob = Pattern.compile(Pattern.quote(part).replace("*", "\\E.*\\Q"));
                    types.keySet().stream().filter(c -> glob.matcher(c).matches()).forEach(matched::add);
                    if (matched.isEmpty()) {
                        throw where.error("'" + part + "' matches no declared column");
                    }
                } else if (!types.containsKey(part)) {
                    throw where.error("unknown column '" + part + "'; declared: " + summary());
                } else {
                    matched.add(part);
                }
            }
            return matched;
        }

        List<String> resolveAll(YamlNode n) {
            List<String> all = new ArrayList<>();
            for (YamlNode item : n.sequenceOrScalar()) {
                all.addAll(resolve(item, item.text()));
            }
            return all;
        }

        String one(YamlNode where, String reference) {
            List<String> columns = resolve(where, reference);
            if (columns.size() != 1) {
                throw where.error("expected one column, '" + reference + "' names " + columns.size());
            }
            return columns.get(0);
        }

        private String summary() {
            List<String> names = new ArrayList<>(types.keySet());
            return names.size() <= 12 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 10)) + ", ... (" + names.size() + " columns)";
        }
    }
}
