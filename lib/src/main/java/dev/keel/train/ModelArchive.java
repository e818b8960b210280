package dev.keel.train;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network as a DL4J model zip that {@code ModelSerializer.restoreMultiLayerNetwork} reads
 * (configuration, coefficients, updater state, normaliser), written byte-for-byte the same for
 * the same network: entries in a fixed order with a fixed time, so equal models have equal
 * SHA-256. (keel writes the zip itself because DL4J's writer both stamps the current time and
 * fails against the newer commons-io that Spark and keel need.)
 */
final class ModelArchive {
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private ModelArchive() {
    }

    static byte[] write(MultiLayerNetwork network, boolean withUpdater, Optional<DataNormalization> normaliser) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                entry(zip, "configuration.json", network.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8));
                entry(zip, "coefficients.bin", array(network.params()));
                INDArray state = withUpdater && network.getUpdater() != null ? network.getUpdater().getStateViewArray() : null;
                if (state != null) {
                    entry(zip, "updaterState.bin", array(state));
                }
                if (normaliser.isPresent()) {
                    ByteArrayOutputStream n = new ByteArrayOutputStream();
                    NormalizerSerializer.getDefault().write(normaliser.get(), n);
                    entry(zip, "normalizer.bin", n.toByteArray());
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialise the network: " + e.getMessage(), e);
        }
    }

    private static byte[] array(INDArray array) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Nd4j.write(array, out);
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }
}
