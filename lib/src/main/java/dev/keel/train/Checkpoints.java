package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run's checkpoints under {@code checkpoints/<run id>/} (local, {@code hdfs://} or {@code s3a://}):
 * after each epoch, {@code epoch-NNNN.zip} (the network with its updater state and normaliser)
 * and then {@code epoch-NNNN.json} (the history so far). The JSON is written last, so an epoch
 * counts only when both exist: a process killed while writing leaves the previous epoch as the
 * one to resume from.
 */
public final class Checkpoints {
    private static final Pattern STATE = Pattern.compile("epoch-(\\d{4})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Configuration hadoop;
    private final String directory;

    public Checkpoints(Configuration hadoop, String directory) {
        this.hadoop = requireNonNull(hadoop, "hadoop");
        this.directory = requireNonNull(directory, "directory");
    }

    public String directory() {
        return directory;
    }

    /** The network, normaliser and history after one epoch, as written or read back. */
    public record Checkpoint(int epoch, MultiLayerNetwork network, Optional<DataNormalization> normaliser, List<EpochRecord> history) {
        public Checkpoint {
            requireNonNull(network, "network");
            requireNonNull(normaliser, "normaliser");
            history = List.copyOf(history);
        }
    }

    public void write(Checkpoint c) {
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            byte[] zip = ModelArchive.write(c.network(), true, c.normaliser());
            try (OutputStream out = fs.create(new Path(dir, name(c.epoch(), "zip")), true)) {
                out.write(zip);
            }
            try (OutputStream out = fs.create(new Path(dir, name(c.epoch(), "json")), true)) {
                out.write(JSON.writeValueAsBytes(c.history()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + c.epoch() + " to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint, or empty when there is none. */
    public Optional<Checkpoint> latest() {
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            int newest = 0;
            for (FileStatus f : fs.listStatus(dir)) {
                Matcher m = STATE.matcher(f.getPath().getName());
                if (m.matches() && fs.exists(new Path(dir, name(Integer.parseInt(m.group(1)), "zip")))) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
            return newest == 0 ? Optional.empty() : Optional.of(read(newest));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint written after {@code epoch}. */
    public Checkpoint read(int epoch) {
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoop);
            byte[] bytes;
            try (InputStream in = fs.open(new Path(dir, name(epoch, "zip")))) {
                bytes = in.readAllBytes();
            }
            MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
            DataNormalization normaliser = ModelSerializer.restoreNormalizerFromInputStream(new ByteArrayInputStream(bytes));
            List<EpochRecord> history;
            try (InputStream in = fs.open(new Path(dir, name(epoch, "json")))) {
                history = new ArrayList<>(JSON.readValue(in, new TypeReference<List<EpochRecord>>() { }));
            }
            return new Checkpoint(epoch, network, Optional.ofNullable(normaliser), history);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + epoch + " in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String name(int epoch, String extension) {
        return String.format("epoch-%04d.%s", epoch, extension);
    }
}
