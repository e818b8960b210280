package dev.keel.testing;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class of the test classpath in a separate JVM, with this JVM's module flags. */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static Process start(Class<?> main, Path log, List<String> jvmOptions, String... args) throws IOException {
        return start(main, log, jvmOptions, Map.of(), args);
    }

    /** Like {@link #start(Class, Path, List, String...)}, with {@code environment} added to this JVM's. */
    public static Process start(Class<?> main, Path log, List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens"))
                .forEach(command::add);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The test classpath as a list, for callers that need to build their own command line. */
    public static List<String> classpath() {
        return List.of(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator));
    }
}
