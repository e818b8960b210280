package dev.keel.release;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.keel.build.Digests;
import dev.keel.error.IntegrityException;
import dev.keel.error.UsageException;
import dev.keel.lineage.Lineage;
import dev.keel.lineage.LineageReader;
import dev.keel.registry.ModelCatalog;
import dev.keel.registry.ModelRef;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.Registry;
import dev.keel.report.ModelCard;
import dev.keel.run.RunContext;
import dev.keel.train.TrainJob;

/**
 * {@code keel models export}: a release bundle for a product's own release process: the model
 * zip, its manifest and spec, the model card, the lineage as JSON, and {@code SHA256SUMS} over
 * every file ({@code sha256sum -c SHA256SUMS} checks it). The zip is checked against the
 * registry's SHA-256 while it is copied; a bundle directory is never overwritten.
 */
public final class ModelExport {
    /** The checksum file, in the format {@code sha256sum} reads. */
    public static final String CHECKSUMS = "SHA256SUMS";
    private static final List<String> MODEL_FILES = List.of("model.zip", "manifest.json", TrainJob.SPEC_FILE);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module()).registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final RunContext run;

    public ModelExport(RunContext run) {
        this.run = requireNonNull(run, "run");
    }

    /**
     * What was exported.
     *
     * @param model the version
     * @param directory the bundle
     * @param files bundle-relative path to SHA-256, as in {@code SHA256SUMS}
     */
    public record Bundle(ModelRef model, Path directory, Map<String, String> files) {
        public Bundle {
            requireNonNull(model, "model");
            requireNonNull(directory, "directory");
            files = Map.copyOf(files);
        }
    }

    public Bundle export(String reference, Path dir) {
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new UsageException("Cannot export to " + dir + ": it exists and is not empty; a release bundle is never overwritten, "
                    + "give a new --to directory");
        }
        Configuration hadoop = run.env().spark().sparkContext().hadoopConfiguration();
        Registry registry = new ModelCatalog(run.env().store().kernel(), run.env().layout()).read();
        ModelVersion v = registry.resolve(reference);
        ModelRef ref = ModelRef.of(v);
        try {
            Files.createDirectories(dir);
            for (String name : MODEL_FILES) {
                String sha = copy(hadoop, new org.apache.hadoop.fs.Path(v.artifact(), name), dir.resolve(name));
                if (name.equals("model.zip") && !sha.equals(v.modelSha256())) {
                    Files.delete(dir.resolve(name));
                    throw new IntegrityException("Model " + ref + "'s model.zip in " + v.artifact() + " has SHA-256 " + sha + " but "
                            + "the registry holds " + v.modelSha256() + ": the artifact was changed after registration; nothing was "
                            + "exported");
                }
            }
            Lineage lineage = new LineageReader(run.env().store().kernel(), run.env().layout(), hadoop).read(registry.entry(v));
            Files.writeString(dir.resolve("lineage.json"), JSON.writeValueAsString(lineage), StandardCharsets.UTF_8);
            new ModelCard(run).write(reference, dir.resolve("card").toString());
            Map<String, String> sums = checksums(dir);
            StringBuilder text = new StringBuilder();
            sums.forEach((path, sha) -> text.append(sha).append("  ").append(path).append('\n'));
            Files.writeString(dir.resolve(CHECKSUMS), text.toString(), StandardCharsets.US_ASCII);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("to", dir.toAbsolutePath().toString());
            details.put("model_sha256", v.modelSha256());
            details.put("checksums_sha256", Digests.sha256Hex(text.toString().getBytes(StandardCharsets.US_ASCII)));
            details.put("files", sums.size());
            run.audit("model.exported", ref.toString(), details);
            return new Bundle(ref, dir, sums);
        } catch (IOException e) {
            throw new UsageException("Cannot export " + ref + " to " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "): give a writable --to directory");
        }
    }

    private static String copy(Configuration hadoop, org.apache.hadoop.fs.Path from, Path to) throws IOException {
        FileSystem fs = from.getFileSystem(hadoop);
        MessageDigest sha = Digests.sha256();
        try (InputStream in = new DigestInputStream(fs.open(from), sha); OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Bundle-relative path to SHA-256 of every file under {@code dir}, sorted by path. */
    private static Map<String, String> checksums(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        Map<String, String> sums = new LinkedHashMap<>();
        for (Path f : files) {
            sums.put(dir.relativize(f).toString().replace('\\', '/'), Digests.sha256Hex(Files.readAllBytes(f)));
        }
        return sums;
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
