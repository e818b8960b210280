package dev.keel.yaml;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.keel.build.Digests;
import dev.keel.error.UsageException;

/**
 * The text of a declarative file and its identity: the SHA-256 of its bytes, which runs and
 * versions record so that "the same contract" or "the same spec" can be checked later.
 *
 * @param name how errors name the file (its path, or a label for embedded text)
 * @param text the YAML
 * @param sha256 hex SHA-256 of the UTF-8 bytes
 */
public record YamlDocument(String name, String text, String sha256) {
    public YamlDocument {
        requireNonNull(name, "name");
        requireNonNull(text, "text");
        requireNonNull(sha256, "sha256");
    }

    /**
     * Reads {@code file}; one that cannot be read is a {@link UsageException}
     * "Cannot read KIND FILE (WHY): HINT".
     */
    public static YamlDocument read(Path file, String kind, String hint) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("Cannot read " + kind + " " + file + " (" + e.getClass().getSimpleName() + "): " + hint);
        }
        return new YamlDocument(file.toString(), new String(bytes, StandardCharsets.UTF_8), Digests.sha256Hex(bytes));
    }

    /** Text that did not come from a file of its own (a test, an embedded resource). */
    public static YamlDocument of(String name, String text) {
        return new YamlDocument(name, text, Digests.sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The document's root node, reporting problems with {@code problems}. */
    public YamlNode root(YamlNode.Problems problems) {
        return YamlNode.parse(name, new StringReader(text), problems);
    }
}
