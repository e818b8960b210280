package dev.keel.gpu;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.keel.error.UsageException;

/**
 * The CUDA devices one training executor uses, and why.
 *
 * <p>Spark's resource scheduling ({@code spark.executor.resource.gpu.amount} with a discovery
 * script) names GPUs by the addresses the script printed. CUDA numbers the devices a process can
 * see from 0, in the order {@code CUDA_VISIBLE_DEVICES} lists them (Slurm sets it for a job's
 * GPUs). An address listed in {@code CUDA_VISIBLE_DEVICES} is used at its position there; when
 * none is listed, the discovery script saw the same devices as CUDA (as under Slurm's device
 * cgroups) and an address is the ordinal itself. Without Spark GPU resources the executor uses
 * every device it can see, which is how one executor per GPU works when the launcher gives each
 * executor its own {@code CUDA_VISIBLE_DEVICES}.
 *
 * @param ordinals CUDA device ordinals within this process; empty means the CPU
 * @param reason how they were chosen, for logs and {@code keel doctor}
 */
public record GpuBinding(List<Integer> ordinals, String reason) {
    public GpuBinding {
        ordinals = List.copyOf(requireNonNull(ordinals, "ordinals"));
        requireNonNull(reason, "reason");
    }

    public boolean cpu() {
        return ordinals.isEmpty();
    }

    /**
     * Resolves the binding of one executor.
     *
     * @param sparkAddresses the GPU addresses Spark assigned to the executor (empty without GPU resources)
     * @param cudaVisibleDevices the executor's {@code CUDA_VISIBLE_DEVICES}, when set
     * @param visibleDevices the CUDA devices ND4J sees in this process (0 on the CPU backend)
     * @throws UsageException when Spark assigned a GPU this process cannot use, naming it and the fix
     */
    public static GpuBinding resolve(List<String> sparkAddresses, Optional<String> cudaVisibleDevices, int visibleDevices) {
        requireNonNull(sparkAddresses, "sparkAddresses");
        requireNonNull(cudaVisibleDevices, "cudaVisibleDevices");
        List<String> visible = cudaVisibleDevices.map(GpuBinding::parseVisible).orElse(null);
        String visibleText = cudaVisibleDevices.map(v -> "CUDA_VISIBLE_DEVICES=" + v).orElse("CUDA_VISIBLE_DEVICES unset");
        if (sparkAddresses.isEmpty()) {
            if (visibleDevices == 0) {
                return new GpuBinding(List.of(), "CPU: no CUDA device visible (" + visibleText + ")");
            }
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < visibleDevices; i++) {
                all.add(i);
            }
            return new GpuBinding(all, "every visible device (" + visibleText + "; no Spark GPU resources)");
        }
        if (visibleDevices == 0) {
            throw new UsageException("Spark assigned GPU(s) " + sparkAddresses + " but ND4J sees no CUDA device (" + visibleText
                    + "): build keel with -Pcuda and run it on the GPU nodes, or drop spark.executor.resource.gpu.amount");
        }
        List<Integer> ordinals = new ArrayList<>();
        boolean listed = visible != null && visible.containsAll(sparkAddresses);
        for (String address : sparkAddresses) {
            int ordinal = listed ? visible.indexOf(address) : ordinal(address);
            if (ordinal < 0 || ordinal >= visibleDevices) {
                throw new UsageException("Spark assigned GPU address '" + address + "', which is not one of the " + visibleDevices
                        + " device(s) this executor can see (" + visibleText + "): make the GPU discovery script print "
                        + "addresses from CUDA_VISIBLE_DEVICES (scripts/gpu-discovery.sh does)");
            }
            ordinals.add(ordinal);
        }
        return new GpuBinding(ordinals, "Spark GPU address(es) " + sparkAddresses + " as CUDA device(s) " + ordinals + " ("
                + visibleText + ")");
    }

    private static List<String> parseVisible(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.equals("NoDevFiles") || trimmed.equals("-1")) {
            return List.of();
        }
        return Arrays.stream(trimmed.split(",")).map(String::trim).toList();
    }

    private static int ordinal(String address) {
        try {
            return Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
