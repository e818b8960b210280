package dev.keel.jobs;

import java.util.ArrayList;
import java.util.List;

import dev.keel.build.BuildInfo;
import dev.keel.build.ComponentVersions;
import picocli.CommandLine.IVersionProvider;

/** {@code keel --version}: keel's version and commit, and the platform it runs on. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        BuildInfo build = BuildInfo.of(KeelMain.class);
        List<String> lines = new ArrayList<>();
        lines.add("keel " + build.version() + " (commit " + build.shortCommit() + ")");
        ComponentVersions.all().forEach((k, v) -> lines.add(String.format("%-7s %s", k, v)));
        return lines.toArray(String[]::new);
    }
}
