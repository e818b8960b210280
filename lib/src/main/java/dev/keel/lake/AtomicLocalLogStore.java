package dev.keel.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import io.delta.storage.HadoopFileSystemLogStore;

/**
 * A Delta {@code LogStore} for the local file system that is safe with writers in several JVMs.
 *
 * <p>Delta's default for {@code file:} paths makes "create the commit file unless it exists"
 * atomic only within one JVM (a lock around exists-then-rename). Two processes committing the same
 * version of a table on a local or NFS-mounted lake could both succeed, the second silently
 * replacing the first commit. This store publishes each commit file with a hard link, which the
 * operating system creates atomically or refuses with "file exists", so exactly one process wins
 * and Delta's conflict detection handles the other. keel sets it for {@code file:} via
 * {@code spark.delta.logStore.file.impl}.
 */
public final class AtomicLocalLogStore extends HadoopFileSystemLogStore {

    public AtomicLocalLogStore(Configuration hadoopConf) {
        super(hadoopConf);
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf) throws IOException {
        java.nio.file.Path target = java.nio.file.Path.of(path.toUri().getPath());
        java.nio.file.Path parent = target.getParent();
        if (!Files.isDirectory(parent)) {
            throw new FileNotFoundException("No such file or directory: " + parent);
        }
        java.nio.file.Path temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                while (actions.hasNext()) {
                    out.write(actions.next());
                    out.write('\n');
                }
            }
            if (overwrite) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.createLink(target, temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(path.toString());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
        return false;
    }
}
