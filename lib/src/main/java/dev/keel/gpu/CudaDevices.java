package dev.keel.gpu;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The CUDA devices of this JVM as ND4J sees them. keel compiles against the CPU backend, so the
 * CUDA backend's configuration ({@code org.nd4j.jita.conf.CudaEnvironment}, present only in a
 * {@code -Pcuda} build) is reached by name.
 */
public final class CudaDevices {
    private static final String CUDA_ENVIRONMENT = "org.nd4j.jita.conf.CudaEnvironment";
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private CudaDevices() {
    }

    /** True when ND4J runs on its CUDA backend; answers without loading ND4J when the CUDA backend is not on the classpath. */
    public static boolean cudaBackend() {
        try {
            Class.forName(CUDA_BACKEND, false, CudaDevices.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return Nd4j.getBackend().getClass().getName().equals(CUDA_BACKEND);
    }

    /** The CUDA devices this process can see; 0 on the CPU backend. */
    public static int visible() {
        return cudaBackend() ? Nd4j.getAffinityManager().getNumberOfDevices() : 0;
    }

    /** Makes ND4J place this JVM's work on {@code ordinals} only; nothing to do on the CPU. */
    public static void restrictTo(List<Integer> ordinals) {
        if (ordinals.isEmpty() || !cudaBackend()) {
            return;
        }
        try {
            Object environment = Class.forName(CUDA_ENVIRONMENT).getMethod("getInstance").invoke(null);
            Object configuration = environment.getClass().getMethod("getConfiguration").invoke(environment);
            int[] devices = ordinals.stream().mapToInt(Integer::intValue).toArray();
            configuration.getClass().getMethod("useDevices", int[].class).invoke(configuration, (Object) devices);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("Cannot restrict ND4J's CUDA backend to devices " + ordinals + ": " + cause, cause);
        }
    }
}
