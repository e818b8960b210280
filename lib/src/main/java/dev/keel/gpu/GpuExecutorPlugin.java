package dev.keel.gpu;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each Spark executor's training to the GPU(s) it was given ({@link GpuBinding}) when the
 * executor starts, before any training task allocates on a device. keel's sessions load it
 * through {@code spark.plugins}; on the CPU backend it only logs that the executor uses the CPU.
 */
public final class GpuExecutorPlugin implements SparkPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(GpuExecutorPlugin.class);

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext context, Map<String, String> extraConf) {
                ResourceInformation gpus = context.resources().get("gpu");
                List<String> addresses = gpus == null ? List.of() : List.of(gpus.addresses());
                GpuBinding binding = GpuBinding.resolve(addresses, Optional.ofNullable(System.getenv("CUDA_VISIBLE_DEVICES")),
                        CudaDevices.visible());
                CudaDevices.restrictTo(binding.ordinals());
                LOG.info("executor {} trains on {}", context.executorID(), binding.reason());
            }
        };
    }
}
