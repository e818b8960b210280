package dev.keel.ingest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import dev.keel.error.UsageException;
import dev.keel.lake.StorageErrors;

/**
 * Finds the raw files named by paths and globs on any Hadoop file system (local, {@code hdfs://},
 * {@code s3a://}). A directory stands for every file below it; names starting with '.' or '_'
 * (checksums, markers, Delta logs) are skipped.
 */
public final class SourceFiles {
    private SourceFiles() {
    }

    /**
     * @return the files, sorted by path, without repeats
     * @throws UsageException when a path or glob matches no file
     */
    public static List<SourceFile> discover(Configuration conf, List<String> patterns) {
        if (patterns.isEmpty()) {
            throw new UsageException("No --source given: name the raw files, directories or globs to ingest");
        }
        Map<String, SourceFile> files = new TreeMap<>();
        for (String pattern : patterns) {
            int matched = StorageErrors.guard(pattern, () -> {
                Path path = new Path(pattern);
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                int count = 0;
                if (matches != null) {
                    for (FileStatus status : matches) {
                        count += collect(fs, status, files);
                    }
                }
                return count;
            });
            if (matched == 0) {
                throw new UsageException("Source '" + pattern + "' matches no files: check the path or glob "
                        + "(directories are read recursively; names starting with '.' or '_' are skipped)");
            }
        }
        return List.copyOf(files.values());
    }

    private static int collect(FileSystem fs, FileStatus status, Map<String, SourceFile> files) throws IOException {
        if (hidden(status.getPath())) {
            return 0;
        }
        if (status.isFile()) {
            add(fs, status, files);
            return 1;
        }
        int count = 0;
        RemoteIterator<LocatedFileStatus> below = fs.listFiles(status.getPath(), true);
        while (below.hasNext()) {
            LocatedFileStatus f = below.next();
            if (!hiddenBelow(status.getPath(), f.getPath())) {
                add(fs, f, files);
                count++;
            }
        }
        return count;
    }

    private static void add(FileSystem fs, FileStatus status, Map<String, SourceFile> files) {
        String path = fs.makeQualified(status.getPath()).toString();
        files.put(path, new SourceFile(path, status.getLen(), Instant.ofEpochMilli(status.getModificationTime())));
    }

    private static boolean hidden(Path path) {
        String name = path.getName();
        return name.startsWith(".") || name.startsWith("_");
    }

    private static boolean hiddenBelow(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root) && p.depth() > root.depth(); p = p.getParent()) {
            if (hidden(p)) {
                return true;
            }
        }
        return false;
    }

    /** Paths of the files, for Spark readers. */
    static String[] paths(List<SourceFile> files) {
        List<String> paths = new ArrayList<>(files.size());
        files.forEach(f -> paths.add(f.path()));
        return paths.toArray(String[]::new);
    }
}
