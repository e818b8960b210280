package dev.keel.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.keel.error.UsageException;

/** Which CUDA device an executor trains on, for the ways Spark, Slurm and launchers hand out GPUs; no GPU needed. */
class GpuBindingTest {
    @Test
    void withoutGpusTheExecutorTrainsOnTheCpu() {
        GpuBinding cpu = GpuBinding.resolve(List.of(), Optional.empty(), 0);
        assertTrue(cpu.cpu());
        assertEquals("CPU: no CUDA device visible (CUDA_VISIBLE_DEVICES unset)", cpu.reason());
        assertTrue(GpuBinding.resolve(List.of(), Optional.of("NoDevFiles"), 0).cpu());
    }

    @Test
    void withoutSparkResourcesTheExecutorUsesEveryDeviceItCanSee() {
        assertEquals(List.of(0), GpuBinding.resolve(List.of(), Optional.of("3"), 1).ordinals(),
                "one executor per GPU: its launcher exposed only GPU 3, which CUDA calls device 0");
        assertEquals(List.of(0, 1), GpuBinding.resolve(List.of(), Optional.empty(), 2).ordinals());
    }

    @Test
    void sparkAddressesListedInCudaVisibleDevicesMapToTheirPosition() {
        GpuBinding slurm = GpuBinding.resolve(List.of("6"), Optional.of("4,6"), 2);
        assertEquals(List.of(1), slurm.ordinals(), "physical GPU 6 is the second device this process sees");
        assertEquals("Spark GPU address(es) [6] as CUDA device(s) [1] (CUDA_VISIBLE_DEVICES=4,6)", slurm.reason());
        assertEquals(List.of(1, 0), GpuBinding.resolve(List.of("GPU-b", "GPU-a"), Optional.of("GPU-a, GPU-b"), 2).ordinals(),
                "UUIDs map like indices");
    }

    @Test
    void sparkAddressesNotListedAreOrdinalsWhenTheDiscoveryScriptSawWhatCudaSees() {
        assertEquals(List.of(1), GpuBinding.resolve(List.of("1"), Optional.of("2,3"), 2).ordinals(),
                "under device cgroups nvidia-smi numbers the job's two GPUs 0 and 1");
        assertEquals(List.of(0, 1), GpuBinding.resolve(List.of("0", "1"), Optional.empty(), 4).ordinals());
    }

    @Test
    void anAssignedGpuTheProcessCannotUseIsOneErrorNamingTheAddressAndTheFix() {
        UsageException hidden = assertThrows(UsageException.class, () -> GpuBinding.resolve(List.of("5"), Optional.of("2,3"), 2));
        assertEquals("Spark assigned GPU address '5', which is not one of the 2 device(s) this executor can see "
                + "(CUDA_VISIBLE_DEVICES=2,3): make the GPU discovery script print addresses from CUDA_VISIBLE_DEVICES "
                + "(scripts/gpu-discovery.sh does)", hidden.getMessage());
        UsageException cpuBuild = assertThrows(UsageException.class, () -> GpuBinding.resolve(List.of("0"), Optional.empty(), 0));
        assertTrue(cpuBuild.getMessage().startsWith("Spark assigned GPU(s) [0] but ND4J sees no CUDA device"), cpuBuild.getMessage());
        assertThrows(UsageException.class, () -> GpuBinding.resolve(List.of("GPU-x"), Optional.empty(), 2));
    }
}
