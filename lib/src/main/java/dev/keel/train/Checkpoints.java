package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * A run's checkpoints under {@code checkpoints/<run id>/} (local, {@code hdfs://} or {@code s3a://}):
 * after each epoch, {@code epoch-NNNN.zip} (the network with its updater state and normaliser)
 * and then {@code epoch-NNNN.json} (the history so far); inside an epoch, when the spec asks for
 * it, {@code epoch-NNNN-iter-NNNNNNNN.zip} and {@code .json} the same way (removed once the epoch
 * completes). The JSON is written last, so a checkpoint counts only when both exist: a process
 * killed while writing leaves the previous one to resume from.
 */
public final class Checkpoints {
    private static final Pattern STATE = Pattern.compile("epoch-(\\d{4})(?:-iter-(\\d{8}))?\\.json");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module());

    private final Configuration hadoop;
    private final String directory;

    public Checkpoints(Configuration hadoop, String directory) {
        this.hadoop = requireNonNull(hadoop, "hadoop");
        this.directory = requireNonNull(directory, "directory");
    }

    public String directory() {
        return directory;
    }

    /**
     * How far into an unfinished epoch training had got.
     *
     * @param iteration minibatches of the epoch already fitted
     * @param lossSum their summed training loss
     * @param examples their examples
     */
    public record Partial(int iteration, double lossSum, long examples) {
    }

    /**
     * The network, normaliser and history at a checkpoint.
     *
     * @param epoch the epoch completed, or with {@code partial}, the epoch in progress
     * @param history the completed epochs
     * @param partial how far into {@code epoch} training was, for a checkpoint inside an epoch
     */
    public record Checkpoint(int epoch, MultiLayerNetwork network, Optional<DataNormalization> normaliser, List<EpochRecord> history,
            Optional<Partial> partial) {
        public Checkpoint {
            requireNonNull(network, "network");
            requireNonNull(normaliser, "normaliser");
            history = List.copyOf(history);
            requireNonNull(partial, "partial");
        }

        /** The epochs completed when it was written. */
        public int completedEpochs() {
            return partial.isPresent() ? epoch - 1 : epoch;
        }
    }

    /** What the JSON file of a checkpoint holds. */
    private record State(List<EpochRecord> history, Optional<Partial> partial) {
    }

    public void write(Checkpoint c) {
        String base = name(c.epoch(), c.partial().map(Partial::iteration).orElse(0));
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            publish(fs, new Path(dir, base + ".zip"), ModelArchive.write(c.network(), true, c.normaliser()));
            publish(fs, new Path(dir, base + ".json"), JSON.writeValueAsBytes(new State(c.history(), c.partial())));
            if (c.partial().isEmpty()) {
                for (FileStatus f : fs.listStatus(dir)) {
                    if (f.getPath().getName().startsWith(base + "-iter-")) {
                        fs.delete(f.getPath(), false);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + base + " to " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code bytes} under a hidden temporary name, then renames it to {@code file}: a process
     * killed mid-write (a preempted job) leaves no partial file under a checkpoint's name. The JSON
     * file is published last and marks the checkpoint complete.
     */
    private static void publish(FileSystem fs, Path file, byte[] bytes) throws IOException {
        Path temporary = new Path(file.getParent(), "." + file.getName() + ".tmp");
        try (OutputStream out = fs.create(temporary, true)) {
            out.write(bytes);
        }
        if (fs.exists(file)) {
            fs.delete(file, false);
        }
        if (!fs.rename(temporary, file)) {
            throw new IOException("cannot rename " + temporary + " to " + file);
        }
    }

    /** The newest complete checkpoint (after an epoch, or inside a later one), or empty when there is none. */
    public Optional<Checkpoint> latest() {
        return newest().map(p -> read(p[0], p[1]));
    }

    /** Whether any complete checkpoint exists; lists the directory without reading a model. */
    public boolean any() {
        return newest().isPresent();
    }

    /** The epoch and iteration (0 for a whole epoch) of the newest complete checkpoint. */
    private Optional<int[]> newest() {
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            return Arrays.stream(fs.listStatus(dir))
                    .map(f -> STATE.matcher(f.getPath().getName()))
                    .filter(Matcher::matches)
                    .map(m -> new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))})
                    .filter(p -> exists(fs, new Path(dir, name(p[0], p[1]) + ".zip")))
                    .max(Comparator.<int[]>comparingInt(p -> p[1] == 0 ? p[0] : p[0] - 1).thenComparingInt(p -> p[1]));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint written after {@code epoch}. */
    public Checkpoint read(int epoch) {
        return read(epoch, 0);
    }

    private Checkpoint read(int epoch, int iteration) {
        String base = name(epoch, iteration);
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            byte[] bytes;
            try (InputStream in = fs.open(new Path(dir, base + ".zip"))) {
                bytes = in.readAllBytes();
            }
            MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
            DataNormalization normaliser = ModelSerializer.restoreNormalizerFromInputStream(new ByteArrayInputStream(bytes));
            State state;
            try (InputStream in = fs.open(new Path(dir, base + ".json"))) {
                state = JSON.readValue(in, State.class);
            }
            return new Checkpoint(epoch, network, Optional.ofNullable(normaliser), state.history(), state.partial());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + base + " in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(FileSystem fs, Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    private static String name(int epoch, int iteration) {
        return iteration == 0 ? String.format("epoch-%04d", epoch) : String.format("epoch-%04d-iter-%08d", epoch, iteration);
    }
}
