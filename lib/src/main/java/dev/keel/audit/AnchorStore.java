package dev.keel.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.keel.error.IntegrityException;
import dev.keel.lake.StorageErrors;

/**
 * Anchors of the audit chain's head, one small JSON file each, in a directory that should live
 * outside the reach of whoever can write the lakehouse (another bucket with object lock, another
 * file system). Files are created, never overwritten.
 */
public final class AnchorStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Configuration hadoopConf;
    private final String directory;

    public AnchorStore(Configuration hadoopConf, String directory) {
        this.hadoopConf = requireNonNull(hadoopConf, "hadoopConf");
        this.directory = requireNonNull(directory, "directory");
    }

    public String directory() {
        return directory;
    }

    /** Writes a new anchor; never replaces an existing file. */
    public Anchor write(String table, AuditEvent head, long count, long deltaVersion, String actor, Instant now) {
        String name = String.format("anchor-%012d-%d.json", head.seq(), now.toEpochMilli());
        Path file = StorageErrors.guard(directory, () -> {
            Path p = new Path(directory, name);
            return p.getFileSystem(hadoopConf).makeQualified(p);
        });
        Anchor anchor = new Anchor(table, head.seq(), head.hash(), count, deltaVersion, now, actor, file.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("table", table);
        json.put("seq", head.seq());
        json.put("hash", head.hash());
        json.put("count", count);
        json.put("delta_version", deltaVersion);
        json.put("time", now.toString());
        json.put("actor", actor);
        StorageErrors.guard(directory, () -> {
            FileSystem fs = file.getFileSystem(hadoopConf);
            try (OutputStream out = fs.create(file, false)) {
                JSON.writeValue(out, json);
            }
            return null;
        });
        return anchor;
    }

    /**
     * The anchor with the highest seq (the newest among equals), empty when there is none. Found
     * by the file names, which carry the seq and the time, so only that one file is read.
     */
    public Optional<Anchor> newest() {
        return StorageErrors.guard(directory, () -> {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(hadoopConf);
            if (!fs.exists(dir)) {
                return Optional.<Anchor>empty();
            }
            Optional<Path> best = Optional.empty();
            for (FileStatus status : fs.listStatus(dir)) {
                String name = status.getPath().getName();
                if (NAME.matcher(name).matches() && (best.isEmpty() || ORDER.compare(name, best.get().getName()) > 0)) {
                    best = Optional.of(status.getPath());
                }
            }
            return best.map(p -> read(fs, p));
        });
    }

    private static final Pattern NAME = Pattern.compile("anchor-(\\d{12})-(\\d+)\\.json");
    private static final Comparator<String> ORDER = Comparator.comparing((String n) -> part(n, 1)).thenComparing(n -> part(n, 2));

    private static long part(String name, int group) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not an anchor file name: " + name);
        }
        return Long.parseLong(m.group(group));
    }

    private static Anchor read(FileSystem fs, Path file) {
        try (InputStream in = fs.open(file)) {
            JsonNode n = JSON.readTree(in);
            return new Anchor(n.path("table").asText(), n.path("seq").asLong(), n.path("hash").asText(),
                    n.path("count").asLong(), n.path("delta_version").asLong(), Instant.parse(n.path("time").asText()),
                    n.path("actor").asText(), file.toString());
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException io && StorageErrors.isUnreachable(io)) {
                throw new UncheckedIOException(io);
            }
            throw new IntegrityException("Audit anchor " + file + " is unreadable (" + e.getMessage()
                    + "): anchors are never edited; find out who changed it");
        }
    }
}
