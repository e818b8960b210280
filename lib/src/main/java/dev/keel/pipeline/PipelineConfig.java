package dev.keel.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.config.Locations;
import dev.keel.error.UsageException;
import dev.keel.split.SplitFractions;

/**
 * A pipeline's configuration ({@code conf/pipelines/<name>.properties}): what to ingest and with
 * which contract, how to split, which model spec to train where, when to retrain, and how far to
 * promote.
 *
 * @param file where it was read from
 * @param name the pipeline's name, which keys its state in {@code _keel/pipeline_runs}
 * @param contract the data contract the new files are ingested with (a name resolves in the contracts directory)
 * @param sources the landing directories or globs to ingest from
 * @param maxQuarantined the quality gate: the largest share of a night's rows that may be quarantined
 * @param fractions the split fractions
 * @param seed the split seed
 * @param stratify the column the split stratifies by, if any
 * @param spec the model spec (a name resolves in the model specs directory)
 * @param trainOn {@code local} (this JVM or the Spark master's executors) or {@code slurm}
 * @param workers training workers (local), or per node (slurm)
 * @param nodes Slurm nodes
 * @param gpusPerNode Slurm GPUs per node
 * @param timeLimit Slurm time limit
 * @param partition Slurm partition
 * @param retrainWhen {@code new-data}: whenever the data changed; {@code drift}: only when a feature drifted
 * @param driftThreshold the PSI at or above which a feature counts as drifted
 * @param promoteTo the alias a candidate that passes its gates is promoted to ({@code champion}, {@code staging}), if any
 * @param reports where model cards are written, one directory per model version (local, or {@code s3a://}, {@code hdfs://})
 */
public record PipelineConfig(String file, String name, Path contract, List<String> sources, double maxQuarantined,
        SplitFractions fractions, long seed, Optional<String> stratify, Path spec, String trainOn, int workers, int nodes,
        int gpusPerNode, Optional<Duration> timeLimit, Optional<String> partition, String retrainWhen, double driftThreshold,
        Optional<String> promoteTo, String reports) {
    private static final Pattern LINE = Pattern.compile("\\s*([A-Za-z0-9_.-]+)\\s*[=:]\\s*(.*?)\\s*");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2}):(\\d{2})");
    private static final Set<String> KEYS = Set.of("pipeline.name", "ingest.contract", "ingest.source", "quality.max_quarantined",
            "split.fractions", "split.seed", "split.stratify", "train.spec", "train.on", "train.workers", "train.nodes",
            "train.gpus_per_node", "train.time", "train.partition", "retrain.when", "retrain.drift_threshold", "promote.to",
            "report.dir");

    public PipelineConfig {
        requireNonNull(file, "file");
        requireNonNull(name, "name");
        sources = List.copyOf(sources);
        requireNonNull(fractions, "fractions");
        requireNonNull(stratify, "stratify");
        requireNonNull(spec, "spec");
        requireNonNull(trainOn, "trainOn");
        requireNonNull(timeLimit, "timeLimit");
        requireNonNull(partition, "partition");
        requireNonNull(retrainWhen, "retrainWhen");
        requireNonNull(promoteTo, "promoteTo");
        requireNonNull(reports, "reports");
    }

    /**
     * Where a pipeline's names and variables resolve.
     *
     * @param lakeRoot replaces {@code ${lake.root}} in any value
     * @param contracts where a contract given by name ({@code digits}) is, as {@code <name>.yaml}
     * @param models where a model spec given by name ({@code digits-mlp}) is, as {@code <name>.yaml}
     */
    public record Context(String lakeRoot, Path contracts, Path models) {
        public Context {
            requireNonNull(lakeRoot, "lakeRoot");
            requireNonNull(contracts, "contracts");
            requireNonNull(models, "models");
        }

        Path resolve(Path dir, String nameOrPath) {
            return nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") ? Path.of(nameOrPath) : dir.resolve(nameOrPath + ".yaml");
        }
    }

    /** Reads {@code file}; every problem is one error naming the file, line and key. */
    public static PipelineConfig read(Path file, Context context) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("Cannot read pipeline config " + file + " (" + e.getClass().getSimpleName()
                    + "): give an existing file, e.g. conf/pipelines/digits.properties");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> at = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw problem(file, i + 1, line, "expected KEY = VALUE");
            }
            if (!KEYS.contains(m.group(1))) {
                throw problem(file, i + 1, m.group(1), "unknown key; known keys: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
            if (values.put(m.group(1), m.group(2).replace("${lake.root}", context.lakeRoot())) != null) {
                throw problem(file, i + 1, m.group(1), "given twice");
            }
            at.put(m.group(1), i + 1);
        }
        Reader r = new Reader(file, values, at);
        String name = r.required("pipeline.name");
        if (!NAME.matcher(name).matches()) {
            throw r.problem("pipeline.name", "'" + name + "' is not a name: use lower-case letters, digits, '-' and '_'");
        }
        String trainOn = r.choice("train.on", "local", "local", "slurm");
        Optional<Duration> time = r.optional("train.time").map(t -> {
            Matcher m = TIME.matcher(t);
            if (!m.matches()) {
                throw r.problem("train.time", "'" + t + "' is not HH:MM:SS");
            }
            return Duration.ofHours(Long.parseLong(m.group(1))).plusMinutes(Long.parseLong(m.group(2)))
                    .plusSeconds(Long.parseLong(m.group(3)));
        });
        String promote = r.choice("promote.to", "staging", "champion", "staging", "none");
        SplitFractions fractions;
        try {
            fractions = SplitFractions.parse(r.optional("split.fractions").orElse("train=0.8,val=0.1,test=0.1"));
        } catch (UsageException | IllegalArgumentException e) {
            throw r.problem("split.fractions", e.getMessage());
        }
        long seed;
        try {
            seed = Long.parseLong(r.optional("split.seed").orElse("7"));
        } catch (NumberFormatException e) {
            throw r.problem("split.seed", "'" + r.optional("split.seed").orElse("") + "' is not a whole number");
        }
        return new PipelineConfig(file.toString(), name, context.resolve(context.contracts(), r.required("ingest.contract")),
                List.of(r.required("ingest.source").split("\\s*,\\s*")), r.number("quality.max_quarantined", 0.05, 0, 1), fractions,
                seed, r.optional("split.stratify"), context.resolve(context.models(), r.required("train.spec")),
                trainOn, (int) r.number("train.workers", 1, 1, 4096), (int) r.number("train.nodes", 1, 1, 4096),
                (int) r.number("train.gpus_per_node", 0, 0, 64), time, r.optional("train.partition"),
                r.choice("retrain.when", "new-data", "new-data", "drift"), r.number("retrain.drift_threshold", 0.2, 0, 100),
                promote.equals("none") ? Optional.empty() : Optional.of(promote),
                Locations.normalize(r.optional("report.dir").orElse("reports")));
    }

    private static UsageException problem(Path file, int line, String key, String what) {
        return new UsageException("Pipeline config " + file + ":" + line + ": " + key + ": " + what);
    }

    /** Typed access to the values, each error naming its line. */
    private record Reader(Path file, Map<String, String> values, Map<String, Integer> at) {
        UsageException problem(String key, String what) {
            return PipelineConfig.problem(file, at.getOrDefault(key, 0), key, what);
        }

        Optional<String> optional(String key) {
            return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
        }

        String required(String key) {
            return optional(key).orElseThrow(() -> new UsageException("Pipeline config " + file + ": " + key
                    + ": required key is missing"));
        }

        String choice(String key, String fallback, String... allowed) {
            String v = optional(key).orElse(fallback).toLowerCase(Locale.ROOT);
            if (!List.of(allowed).contains(v)) {
                throw problem(key, "'" + v + "' is not one of " + String.join(", ", allowed));
            }
            return v;
        }

        double number(String key, double fallback, double min, double max) {
            Optional<String> v = optional(key);
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                double d = Double.parseDouble(v.get());
                if (d < min || d > max) {
                    throw problem(key, v.get() + " is outside " + min + " to " + max);
                }
                return d;
            } catch (NumberFormatException e) {
                throw problem(key, "'" + v.get() + "' is not a number");
            }
        }
    }
}
