package dev.keel.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Versions of the platform components on the classpath (Spark, Delta, DL4J, ND4J, Hadoop, Scala,
 * Java), read from the artifacts themselves so that a cluster's own Spark is reported truthfully.
 */
public final class ComponentVersions {
    private ComponentVersions() {
    }

    /** Component name to version, in display order; {@code absent} when the artifact is not loaded. */
    public static Map<String, String> all() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        versions.put("Scala", scala.util.Properties.versionNumberString());
        versions.put("Spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        versions.put("Delta", io.delta.package$.MODULE$.VERSION());
        versions.put("Hadoop", hadoopVersion());
        versions.put("DL4J", mavenVersion("org.deeplearning4j", "deeplearning4j-nn"));
        versions.put("ND4J", mavenVersion("org.nd4j", "nd4j-api"));
        return versions;
    }

    static String mavenVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = ComponentVersions.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "absent";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    private static String hadoopVersion() {
        try {
            return org.apache.hadoop.util.VersionInfo.getVersion();
        } catch (LinkageError e) {
            return "absent";
        }
    }
}
