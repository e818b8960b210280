package dev.keel.testing;

import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import dev.keel.config.KeelConfig;
import dev.keel.lake.SparkSessions;

/**
 * JUnit extension that hands every test one SparkSession per JVM (local[2], two shuffle
 * partitions, no UI), built by keel's own {@link SparkSessions} so tests run the production
 * settings. The session lives in the root extension store and stops when the JVM's tests end.
 */
public final class SharedSpark implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSpark.class);

    /** Settings of the shared test session. */
    public static final Map<String, String> SETTINGS = Map.of(
            "spark.master", "local[2]",
            "spark.sql.shuffle.partitions", "2",
            "spark.default.parallelism", "2",
            "spark.databricks.delta.snapshotPartitions", "2",
            "spark.ui.enabled", "false",
            "spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return session(context);
    }

    /** The JVM's shared session, for other extensions. */
    static SparkSession session(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("session", key -> new Holder(), Holder.class).session;
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final SparkSession session = SparkSessions.create(KeelConfig.of(SETTINGS), "keel-tests");

        @Override
        public void close() {
            session.stop();
        }
    }
}
