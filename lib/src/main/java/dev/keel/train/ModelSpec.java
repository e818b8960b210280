package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What to train, declared in a model spec file ({@code conf/models/<name>.yaml}) and parsed by
 * {@link ModelSpecParser}: the features and label, the network, and how to train it.
 *
 * @param name the model's name (registry key, {@code models/<name>/})
 * @param description free text
 * @param task classification or regression
 * @param label the label column
 * @param classes number of classes (classification; labels are 0..classes-1), 1 for regression
 * @param features the numeric feature columns, in input order
 * @param network the layers
 * @param training epochs, batch size, seed, updater, schedule, regularisation
 * @param normalisation how features are scaled (fitted on the train split only)
 * @param earlyStopping stop when the validation metric stops improving
 * @param file where the spec was read from
 * @param sha256 SHA-256 of the spec file's bytes
 * @param text the spec file's text, kept with the model so that it can be re-read exactly
 */
public record ModelSpec(
        String name,
        String description,
        Task task,
        String label,
        int classes,
        List<String> features,
        Network network,
        Training training,
        Normalisation normalisation,
        Optional<EarlyStopping> earlyStopping,
        String file,
        String sha256,
        String text) {

    public ModelSpec {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(task, "task");
        requireNonNull(label, "label");
        features = List.copyOf(features);
        requireNonNull(network, "network");
        requireNonNull(training, "training");
        requireNonNull(normalisation, "normalisation");
        requireNonNull(earlyStopping, "earlyStopping");
        requireNonNull(file, "file");
        requireNonNull(sha256, "sha256");
        requireNonNull(text, "text");
    }

    /** What the network predicts. */
    public enum Task { CLASSIFICATION, REGRESSION }

    /** Feature scaling, fitted on the train split and saved with the model. */
    public enum Normalisation { STANDARDIZE, MINMAX, NONE }

    /**
     * The network.
     *
     * @param kind mlp (dense layers) or cnn (convolutions over the features read as an image)
     * @param inputShape channels, height, width: how a cnn reads the flat features
     * @param weightInit DL4J weight initialisation for every layer
     * @param layers hidden layers, input first
     * @param outputActivation the output layer's activation
     * @param loss the output layer's loss function
     */
    public record Network(Kind kind, Optional<List<Integer>> inputShape, String weightInit, List<Layer> layers,
            String outputActivation, String loss) {
        public Network {
            requireNonNull(kind, "kind");
            requireNonNull(inputShape, "inputShape");
            requireNonNull(weightInit, "weightInit");
            layers = List.copyOf(layers);
            requireNonNull(outputActivation, "outputActivation");
            requireNonNull(loss, "loss");
        }

        /** The network family. */
        public enum Kind { MLP, CNN }
    }

    /** A hidden layer. */
    public sealed interface Layer permits Dense, Convolution, Pooling {
    }

    /** A fully connected layer; {@code dropout} is the probability of dropping an input, 0 for none. */
    public record Dense(int units, String activation, double dropout) implements Layer {
    }

    /** A 2-D convolution with {@code filters} kernels of {@code kernel} (height, width), moved by {@code stride}. */
    public record Convolution(int filters, List<Integer> kernel, List<Integer> stride, String activation) implements Layer {
        public Convolution {
            kernel = List.copyOf(kernel);
            stride = List.copyOf(stride);
        }
    }

    /** 2-D subsampling ({@code max} or {@code avg}). */
    public record Pooling(String type, List<Integer> kernel, List<Integer> stride) implements Layer {
        public Pooling {
            kernel = List.copyOf(kernel);
            stride = List.copyOf(stride);
        }
    }

    /**
     * How to train.
     *
     * @param epochs passes over the train split
     * @param batchSize examples per minibatch (per worker)
     * @param seed weight initialisation and dropout seed
     * @param updater the optimiser and its learning rate
     * @param schedule how the learning rate changes per epoch
     * @param l2 L2 regularisation coefficient, 0 for none
     * @param checkpointEveryIterations also checkpoint inside an epoch after every this many
     *     minibatches (one worker); empty checkpoints after every epoch only
     */
    public record Training(int epochs, int batchSize, long seed, Updater updater, Optional<Schedule> schedule, double l2,
            Optional<Integer> checkpointEveryIterations) {
        public Training {
            requireNonNull(updater, "updater");
            requireNonNull(schedule, "schedule");
            requireNonNull(checkpointEveryIterations, "checkpointEveryIterations");
        }
    }

    /** An optimiser ({@code adam}, {@code sgd}, {@code nesterovs}, {@code rmsprop}, {@code adagrad}) and its learning rate. */
    public record Updater(String type, double learningRate) {
        public Updater {
            requireNonNull(type, "type");
        }
    }

    /** The learning rate multiplied by {@code decay} every {@code everyEpochs} epochs ({@code step}) or every epoch ({@code exponential}). */
    public record Schedule(String type, double decay, int everyEpochs) {
        public Schedule {
            requireNonNull(type, "type");
        }
    }

    /** Stop when the validation {@code metric} ({@code accuracy} or {@code loss}) has not improved for {@code patience} epochs. */
    public record EarlyStopping(String metric, int patience) {
        public EarlyStopping {
            requireNonNull(metric, "metric");
        }
    }
}
