package dev.keel.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import dev.keel.train.ModelSpec.Convolution;
import dev.keel.train.ModelSpec.Dense;
import dev.keel.train.ModelSpec.EarlyStopping;
import dev.keel.train.ModelSpec.Layer;
import dev.keel.train.ModelSpec.Network;
import dev.keel.train.ModelSpec.Normalisation;
import dev.keel.train.ModelSpec.Pooling;
import dev.keel.train.ModelSpec.Schedule;
import dev.keel.train.ModelSpec.Task;
import dev.keel.train.ModelSpec.Training;
import dev.keel.train.ModelSpec.Updater;
import dev.keel.yaml.YamlDocument;
import dev.keel.yaml.YamlNode;

/**
 * Reads a model spec from YAML and checks all of it before Spark starts: every problem names the
 * file, the line and the field, and what is allowed there (activations, weight initialisations
 * and losses are DL4J's own names, lower-cased). Feature names may use brace ranges
 * ({@code pixel_{0..63}}).
 */
public final class ModelSpecParser {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");
    private static final Set<String> TOP = Set.of("model", "description", "task", "label", "classes", "features", "network",
            "training", "normalisation", "early_stopping");
    private static final Set<String> ACTIVATIONS = names(Activation.values());
    private static final Set<String> WEIGHT_INITS = names(WeightInit.values());
    private static final Set<String> LOSSES = names(LossFunction.values());
    private static final Set<String> UPDATERS = Set.of("adam", "sgd", "nesterovs", "rmsprop", "adagrad");

    private ModelSpecParser() {
    }

    public static ModelSpec parse(Path file) {
        return parse(YamlDocument.read(file, "model spec", "check the path given to --spec"));
    }

    /** Parses spec text that did not come from a file of its own (a test, an embedded resource). */
    public static ModelSpec parse(String name, String yaml) {
        return parse(YamlDocument.of(name, yaml));
    }

    private static ModelSpec parse(YamlDocument document) {
        YamlNode root = document.root(ModelSpecException::new);
        Map<String, YamlNode> top = root.mapping(TOP);
        YamlNode nameNode = root.required(top, "model");
        String name = nameNode.nonBlankText().trim();
        if (!NAME.matcher(name).matches()) {
            throw nameNode.error("invalid model name '" + name + "': use 1-100 lower-case letters, digits, '-' or '_'");
        }
        String description = YamlNode.optional(top, "description").map(YamlNode::text).orElse("");
        Task task = choice(root.required(top, "task"), Task.class);
        String label = root.required(top, "label").nonBlankText().trim();

        int classes = 1;
        Optional<YamlNode> classesNode = YamlNode.optional(top, "classes");
        if (task == Task.CLASSIFICATION) {
            YamlNode n = root.required(top, "classes");
            classes = (int) atLeast(n, 2);
        } else if (classesNode.isPresent()) {
            throw classesNode.get().error("only a classification has classes; remove it for a regression");
        }

        YamlNode featuresNode = root.required(top, "features");
        Set<String> features = new LinkedHashSet<>();
        for (YamlNode f : featuresNode.sequenceOrScalar()) {
            for (String feature : f.expandedNames()) {
                if (!features.add(feature)) {
                    throw f.error("feature '" + feature + "' is listed twice");
                }
                if (feature.equals(label)) {
                    throw f.error("the label '" + label + "' cannot also be a feature");
                }
            }
        }

        Network network = network(root.required(top, "network"), task, features.size());
        Training training = training(root.required(top, "training"));
        Normalisation normalisation = YamlNode.optional(top, "normalisation").map(n -> choice(n, Normalisation.class))
                .orElse(Normalisation.STANDARDIZE);
        Optional<EarlyStopping> earlyStopping = YamlNode.optional(top, "early_stopping").map(ModelSpecParser::earlyStopping);
        if (task == Task.REGRESSION && earlyStopping.filter(e -> e.metric().equals("accuracy")).isPresent()) {
            throw top.get("early_stopping").error("a regression has no accuracy: stop on metric loss (validation RMSE)");
        }
        return new ModelSpec(name, description, task, label, classes, List.copyOf(features), network, training, normalisation,
                earlyStopping, document.name(), document.sha256(), document.text());
    }

    private static Network network(YamlNode n, Task task, int featureCount) {
        Map<String, YamlNode> fields = n.mapping(Set.of("type", "input_shape", "weight_init", "layers", "output"));
        Network.Kind kind = choice(n.required(fields, "type"), Network.Kind.class);
        Optional<List<Integer>> shape = YamlNode.optional(fields, "input_shape").map(s -> positives(s, 3));
        if (kind == Network.Kind.CNN) {
            YamlNode s = n.required(fields, "input_shape");
            List<Integer> dims = shape.orElseThrow();
            if (dims.get(0) * dims.get(1) * dims.get(2) != featureCount) {
                throw s.error("channels x height x width is " + dims.get(0) * dims.get(1) * dims.get(2) + " but there are "
                        + featureCount + " features");
            }
        } else if (shape.isPresent()) {
            throw fields.get("input_shape").error("only a cnn reads its features as an image; remove input_shape for an mlp");
        }
        String weightInit = YamlNode.optional(fields, "weight_init").map(w -> among(w, WEIGHT_INITS, "weight initialisation"))
                .orElse("xavier");
        List<Layer> layers = new ArrayList<>();
        boolean dense = false;
        for (YamlNode l : n.required(fields, "layers").sequence()) {
            Layer layer = layer(l, kind);
            if (layer instanceof Dense) {
                dense = true;
            } else if (dense) {
                throw l.error("convolution and pooling layers must come before the dense layers");
            }
            layers.add(layer);
        }
        if (layers.isEmpty()) {
            throw n.required(fields, "layers").error("at least one hidden layer is needed");
        }
        String outputActivation = task == Task.CLASSIFICATION ? "softmax" : "identity";
        String loss = task == Task.CLASSIFICATION ? "mcxent" : "mse";
        Optional<YamlNode> output = YamlNode.optional(fields, "output");
        if (output.isPresent()) {
            Map<String, YamlNode> o = output.get().mapping(Set.of("activation", "loss"));
            outputActivation = YamlNode.optional(o, "activation").map(a -> among(a, ACTIVATIONS, "activation")).orElse(outputActivation);
            loss = YamlNode.optional(o, "loss").map(a -> among(a, LOSSES, "loss")).orElse(loss);
        }
        return new Network(kind, shape, weightInit, layers, outputActivation, loss);
    }

    private static Layer layer(YamlNode l, Network.Kind kind) {
        Map<String, YamlNode> f = l.mapping(Set.of("type", "units", "activation", "dropout", "filters", "kernel", "stride", "pooling"));
        String type = l.required(f, "type").nonBlankText().trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case "dense" -> {
                only(l, f, Set.of("type", "units", "activation", "dropout"));
                double dropout = YamlNode.optional(f, "dropout").map(YamlNode::number).orElse(0.0);
                if (dropout < 0 || dropout >= 1) {
                    throw f.get("dropout").error("dropout is the probability of dropping an input: at least 0 and below 1, not " + dropout);
                }
                return new Dense((int) atLeast(l.required(f, "units"), 1), activation(f), dropout);
            }
            case "conv", "pool" -> {
                if (kind != Network.Kind.CNN) {
                    throw l.required(f, "type").error("'" + type + "' layers need network.type cnn");
                }
                List<Integer> kernel = positives(l.required(f, "kernel"), 2);
                List<Integer> stride = YamlNode.optional(f, "stride").map(s -> positives(s, 2)).orElse(List.of(1, 1));
                if (type.equals("conv")) {
                    only(l, f, Set.of("type", "filters", "kernel", "stride", "activation"));
                    return new Convolution((int) atLeast(l.required(f, "filters"), 1), kernel, stride, activation(f));
                }
                only(l, f, Set.of("type", "kernel", "stride", "pooling"));
                String pooling = YamlNode.optional(f, "pooling").map(p -> among(p, Set.of("max", "avg"), "pooling")).orElse("max");
                return new Pooling(pooling, kernel, stride);
            }
            default -> throw l.required(f, "type").error("unknown layer type '" + type + "'; expected one of conv, dense, pool");
        }
    }

    private static String activation(Map<String, YamlNode> f) {
        return Optional.ofNullable(f.get("activation")).map(a -> among(a, ACTIVATIONS, "activation")).orElse("relu");
    }

    private static Training training(YamlNode n) {
        Map<String, YamlNode> f = n.mapping(Set.of("epochs", "batch_size", "seed", "updater", "learning_rate", "schedule", "l2",
                "checkpoint_every_iterations"));
        int epochs = (int) atLeast(n.required(f, "epochs"), 1);
        int batchSize = (int) atLeast(n.required(f, "batch_size"), 1);
        long seed = n.required(f, "seed").integer();
        String updater = YamlNode.optional(f, "updater").map(u -> among(u, UPDATERS, "updater")).orElse("adam");
        double learningRate = positive(n.required(f, "learning_rate"));
        Optional<Schedule> schedule = YamlNode.optional(f, "schedule").map(s -> {
            Map<String, YamlNode> sf = s.mapping(Set.of("type", "decay", "every_epochs"));
            String type = among(s.required(sf, "type"), Set.of("step", "exponential"), "schedule");
            double decay = positive(s.required(sf, "decay"));
            int every = type.equals("step") ? (int) atLeast(s.required(sf, "every_epochs"), 1) : 1;
            return new Schedule(type, decay, every);
        });
        double l2 = YamlNode.optional(f, "l2").map(v -> {
            double value = v.number();
            if (value < 0) {
                throw v.error("l2 must be 0 or more, not " + value);
            }
            return value;
        }).orElse(0.0);
        Optional<Integer> checkpointEvery = YamlNode.optional(f, "checkpoint_every_iterations").map(v -> (int) atLeast(v, 1));
        return new Training(epochs, batchSize, seed, new Updater(updater, learningRate), schedule, l2, checkpointEvery);
    }

    private static EarlyStopping earlyStopping(YamlNode n) {
        Map<String, YamlNode> f = n.mapping(Set.of("metric", "patience"));
        String metric = YamlNode.optional(f, "metric").map(m -> among(m, Set.of("accuracy", "loss"), "metric")).orElse("loss");
        return new EarlyStopping(metric, (int) atLeast(n.required(f, "patience"), 1));
    }

    private static void only(YamlNode layer, Map<String, YamlNode> fields, Set<String> allowed) {
        fields.forEach((key, value) -> {
            if (!allowed.contains(key)) {
                throw value.error("not a field of this layer type; allowed here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        });
    }

    private static <E extends Enum<E>> E choice(YamlNode n, Class<E> type) {
        String value = n.nonBlankText().trim();
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> n.error("unknown value '" + value + "'; expected one of " + String.join(", ",
                        Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList())));
    }

    private static String among(YamlNode n, Set<String> allowed, String what) {
        String value = n.nonBlankText().trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw n.error("unknown " + what + " '" + n.text().trim() + "'; expected one of " + String.join(", ", new TreeSet<>(allowed)));
        }
        return value;
    }

    private static long atLeast(YamlNode n, long min) {
        long value = n.integer();
        if (value < min) {
            throw n.error("must be at least " + min + ", not " + value);
        }
        return value;
    }

    private static double positive(YamlNode n) {
        double value = n.number();
        if (!(value > 0) || Double.isInfinite(value)) {
            throw n.error("must be a positive number, not " + n.text().trim());
        }
        return value;
    }

    private static List<Integer> positives(YamlNode n, int count) {
        List<YamlNode> items = n.sequence();
        if (items.size() != count) {
            throw n.error("expected a list of " + count + " whole numbers, not " + items.size());
        }
        return items.stream().map(i -> (int) atLeast(i, 1)).toList();
    }

    private static Set<String> names(Enum<?>[] values) {
        Set<String> names = new TreeSet<>();
        for (Enum<?> v : values) {
            names.add(v.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
