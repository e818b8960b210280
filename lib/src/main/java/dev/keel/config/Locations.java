package dev.keel.config;

import java.nio.file.Path;

/** Normalises the storage locations keel is configured with (local paths and {@code s3a://}, {@code hdfs://} URIs). */
public final class Locations {
    private Locations() {
    }

    /**
     * A bare or {@code file:} path becomes an absolute, normalised local path; a URI keeps its
     * scheme and authority. Trailing slashes are dropped so that joining with {@link #join} is exact.
     */
    public static String normalize(String location) {
        String trimmed = location.trim();
        String scheme = ValueType.schemeOf(trimmed);
        if (scheme == null) {
            return Path.of(trimmed).toAbsolutePath().normalize().toString();
        }
        if (scheme.equals("file")) {
            String path = trimmed.substring("file:".length());
            while (path.startsWith("//")) {
                path = path.substring(1);
            }
            return Path.of(path).toAbsolutePath().normalize().toString();
        }
        String result = trimmed;
        while (result.endsWith("/") && !result.endsWith("://")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    /** {@code base} and relative {@code parts} joined with '/'. */
    public static String join(String base, String... parts) {
        StringBuilder result = new StringBuilder(base);
        for (String part : parts) {
            if (result.charAt(result.length() - 1) != '/') {
                result.append('/');
            }
            result.append(part);
        }
        return result.toString();
    }

    /** Whether the location is on the local file system. */
    public static boolean isLocal(String location) {
        String scheme = ValueType.schemeOf(location);
        return scheme == null || scheme.equals("file");
    }
}
