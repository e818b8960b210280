package dev.keel.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An advisory "my turn to append" lock: a small file {@code _append.lock} in the audit table's
 * directory (Delta ignores files whose names start with '_'). Appenders that wait for their turn
 * do not waste whole Delta transactions losing races to each other.
 *
 * <p>The lock is only an optimisation. Delta's transaction check keeps the chain linear without
 * it, so a lock whose holder died is simply broken after {@link #STALE}, a store without atomic
 * create (S3) may let two writers in at once, and a writer that waited {@link #PATIENCE} goes ahead.
 */
final class AppendTurn implements AutoCloseable {
    static final Duration STALE = Duration.ofSeconds(30);
    static final Duration PATIENCE = Duration.ofMinutes(2);

    private final FileSystem fs;
    private final Path lock;
    private final String token;
    private final boolean held;

    private AppendTurn(FileSystem fs, Path lock, String token, boolean held) {
        this.fs = fs;
        this.lock = lock;
        this.token = token;
        this.held = held;
    }

    static AppendTurn take(Configuration hadoopConf, String table) {
        Path lock = new Path(table, "_append.lock");
        String token = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try {
            FileSystem fs = lock.getFileSystem(hadoopConf);
            while (System.nanoTime() < deadline) {
                if (tryCreate(fs, lock, token)) {
                    return new AppendTurn(fs, lock, token, true);
                }
                breakIfStale(fs, lock);
                Thread.sleep(ThreadLocalRandom.current().nextLong(5, 40));
            }
            return new AppendTurn(fs, lock, token, false);
        } catch (IOException e) {
            return new AppendTurn(null, lock, token, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AppendTurn(null, lock, token, false);
        }
    }

    private static boolean tryCreate(FileSystem fs, Path lock, String token) throws IOException {
        try (OutputStream out = fs.create(lock, false)) {
            out.write(token.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(lock)) {
                return false;
            }
            throw e;
        }
    }

    private static void breakIfStale(FileSystem fs, Path lock) throws IOException {
        try {
            long age = System.currentTimeMillis() - fs.getFileStatus(lock).getModificationTime();
            if (age > STALE.toMillis()) {
                fs.delete(lock, false);
            }
        } catch (java.io.FileNotFoundException e) {
            // released between our attempt and this check: the next attempt will find it free
        }
    }

    @Override
    public void close() {
        if (!held) {
            return;
        }
        try (InputStream in = fs.open(lock)) {
            if (token.equals(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                fs.delete(lock, false);
            }
        } catch (IOException e) {
            // the lock was broken as stale and is someone else's now, or already gone: nothing to release
        }
    }
}
