package dev.keel.lake;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;

import dev.keel.error.ExternalSystemException;
import dev.keel.error.KeelException;

/**
 * Translates storage failures at keel's boundary: a store that does not answer becomes an
 * {@link ExternalSystemException} (exit 5) naming the location; everything else passes through.
 */
public final class StorageErrors {
    private StorageErrors() {
    }

    public static <T> T guard(String location, Callable<T> action) {
        try {
            return action.call();
        } catch (KeelException e) {
            throw e;
        } catch (Exception e) {
            if (isUnreachable(e)) {
                throw new ExternalSystemException("Storage at " + location + " does not answer (" + rootMessage(e)
                        + "): check that the object store or file system is up and s3.endpoint / lake.root are right", e);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("Storage operation on " + location + " failed: " + rootMessage(e), e);
        }
    }

    /** Whether a failure means the storage endpoint did not answer, rather than refusing the request. */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException || t instanceof InterruptedIOException
                    || t.getClass().getName().endsWith("SdkClientException")
                    || t.getClass().getName().endsWith("AWSClientIOException")
                    || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Connection refused"))) {
                return true;
            }
        }
        return false;
    }

    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
