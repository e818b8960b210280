package dev.keel.lake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;

import io.delta.storage.S3SingleDriverLogStore;

/**
 * A Delta {@code LogStore} for {@code s3a://} that is safe with writers in several processes and
 * clusters, without DynamoDB: each commit file is created with a conditional PUT
 * ({@code If-None-Match: *}), which S3 (since 2024) and S3-compatible stores that implement it
 * accept only when the key does not exist yet, answering 412 otherwise. Exactly one writer of a
 * version wins and Delta's conflict detection handles the others, as with
 * {@link AtomicLocalLogStore} on a local lake.
 *
 * <p>Delta's default for S3, {@code S3SingleDriverLogStore}, guards "create unless it exists" only
 * within one JVM: two processes committing the same version both succeed and the second commit
 * silently replaces the first, losing its data. keel sets this store for {@code s3a} via
 * {@code spark.delta.logStore.s3a.impl}. A store that ignores the header would give the default's
 * behaviour back, so {@code keel doctor} checks that the lake's store refuses a second create.
 * Overwrites (Delta's {@code _last_checkpoint}) and everything else are the default store's.
 */
public final class ConditionalS3LogStore extends S3SingleDriverLogStore {

    public ConditionalS3LogStore(Configuration hadoopConf) {
        super(hadoopConf);
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf) throws IOException {
        FileSystem fs = path.getFileSystem(hadoopConf);
        if (overwrite || !(fs instanceof S3AFileSystem s3)) {
            super.write(path, actions, overwrite, hadoopConf);
            return;
        }
        StringBuilder text = new StringBuilder();
        actions.forEachRemaining(a -> text.append(a).append('\n'));
        createUnlessExists(s3, s3.makeQualified(path), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates {@code path} with {@code content} unless it exists.
     *
     * @throws FileAlreadyExistsException when it exists (or another writer is creating it)
     */
    static void createUnlessExists(S3AFileSystem s3, Path path, byte[] content) throws IOException {
        ObjectMetadata metadata = new ObjectMetadata();
        metadata.setContentLength(content.length);
        metadata.setContentType("application/json");
        PutObjectRequest request = new PutObjectRequest(s3.getBucket(), s3.pathToKey(path), new ByteArrayInputStream(content), metadata);
        request.putCustomRequestHeader("If-None-Match", "*");
        try {
            // The S3A client carries the lake's endpoint, credentials, signing and retries; Hadoop 3.3
            // offers it only through this accessor.
            s3.getAmazonS3ClientForTesting("conditional Delta commit").putObject(request);
        } catch (AmazonServiceException e) {
            if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
                throw new FileAlreadyExistsException(path.toString());
            }
            throw new IOException("Could not create the Delta commit " + path + ": " + e.getErrorMessage(), e);
        }
    }

    /**
     * Whether the store behind {@code s3} refuses to create {@code probe} a second time, as this
     * store needs; the probe is deleted again.
     */
    public static boolean refusesSecondCreate(S3AFileSystem s3, Path probe) throws IOException {
        byte[] content = "keel doctor".getBytes(StandardCharsets.UTF_8);
        try {
            createUnlessExists(s3, probe, content);
            try {
                createUnlessExists(s3, probe, content);
                return false;
            } catch (FileAlreadyExistsException expected) {
                return true;
            }
        } finally {
            s3.delete(probe, false);
        }
    }

    @Override
    public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
        return false;
    }
}
