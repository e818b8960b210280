package dev.keel.build;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The keel build that is running: version and git commit baked in at build time, and the SHA-256
 * of the code actually loaded, so a run record names exactly what ran.
 *
 * @param version keel's Maven version
 * @param gitCommit full commit id, or {@code unknown} when built outside a git checkout
 * @param dirty whether the working tree had uncommitted changes at build time
 * @param codeSha256 SHA-256 of the jar holding keel's classes, or of the jars combined when keel runs
 *     from several (lib and jobs); {@code unpackaged} when running from class directories
 */
public record BuildInfo(String version, String gitCommit, boolean dirty, String codeSha256) {
    private static final String GIT_PROPERTIES = "/dev/keel/build/git.properties";

    public BuildInfo {
        requireNonNull(version, "version");
        requireNonNull(gitCommit, "gitCommit");
        requireNonNull(codeSha256, "codeSha256");
    }

    /**
     * Reads the build of the running code.
     *
     * @param entryPoint a class of the running program (the CLI's main class); its jar is hashed
     *     together with keel-lib's
     */
    public static BuildInfo of(Class<?> entryPoint) {
        Properties git = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(GIT_PROPERTIES)) {
            if (in != null) {
                git.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + GIT_PROPERTIES, e);
        }
        String version = git.getProperty("git.build.version",
                String.valueOf(BuildInfo.class.getPackage().getImplementationVersion()));
        return new BuildInfo(version,
                git.getProperty("git.commit.id.full", "unknown"),
                Boolean.parseBoolean(git.getProperty("git.dirty", "false")),
                codeSha256(entryPoint, BuildInfo.class));
    }

    /** The first 12 characters of the commit, with {@code -dirty} when the tree was dirty. */
    public String shortCommit() {
        String shortId = gitCommit.length() > 12 ? gitCommit.substring(0, 12) : gitCommit;
        return dirty ? shortId + "-dirty" : shortId;
    }

    private static String codeSha256(Class<?>... classes) {
        Path[] jars = Stream.of(classes)
                .map(c -> c.getProtectionDomain().getCodeSource())
                .map(CodeSource::getLocation)
                .map(url -> {
                    try {
                        return Path.of(url.toURI());
                    } catch (java.net.URISyntaxException e) {
                        throw new IllegalStateException("Bad code source " + url, e);
                    }
                })
                .distinct()
                .toArray(Path[]::new);
        if (Stream.of(jars).anyMatch(Files::isDirectory)) {
            return "unpackaged";
        }
        if (jars.length == 1) {
            return sha256(jars[0]);
        }
        StringBuilder combined = new StringBuilder();
        Stream.of(jars).sorted().forEach(j -> combined.append(j.getFileName()).append(':').append(sha256(j)).append('\n'));
        return Digests.sha256Hex(combined.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = Digests.sha256();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot hash " + file, e);
        }
    }
}
