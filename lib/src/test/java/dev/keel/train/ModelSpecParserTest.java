package dev.keel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import dev.keel.error.UsageException;

/** The shipped model specs, the networks they build, and one-line errors naming file, line and field. */
class ModelSpecParserTest {
    private static final Path MODELS = Path.of("..", "conf", "models");

    @Test
    void theShippedDigitsSpecsBuildTheirNetworks() {
        ModelSpec mlp = ModelSpecParser.parse(MODELS.resolve("digits-mlp.yaml"));
        assertEquals("digits-mlp", mlp.name());
        assertEquals(ModelSpec.Task.CLASSIFICATION, mlp.task());
        assertEquals(64, mlp.features().size());
        assertEquals("pixel_63", mlp.features().get(63));
        assertEquals(List.of(new ModelSpec.Dense(128, "relu", 0.1), new ModelSpec.Dense(64, "relu", 0.0)), mlp.network().layers());
        assertEquals(Optional.of(new ModelSpec.Schedule("step", 0.5, 10)), mlp.training().schedule());
        assertEquals(Optional.of(new ModelSpec.EarlyStopping("loss", 5)), mlp.earlyStopping());
        assertEquals(64, mlp.sha256().length());

        MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.configuration(mlp));
        net.init();
        assertEquals(64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, net.numParams());
        INDArray out = net.output(Nd4j.rand(3, 64));
        assertEquals(List.of(3L, 10L), List.of(out.shape()[0], out.shape()[1]));
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");

        ModelSpec cnn = ModelSpecParser.parse(MODELS.resolve("digits-cnn.yaml"));
        MultiLayerNetwork conv = new MultiLayerNetwork(NetworkFactory.configuration(cnn));
        conv.init();
        assertEquals(16 * 9 + 16 + 16 * 3 * 3 * 64 + 64 + 64 * 10 + 10, conv.numParams(), "3x3 conv to 6x6, 2x2 pool to 3x3");
        assertEquals(10, conv.output(Nd4j.rand(2, 64)).shape()[1]);

        MultiLayerNetwork again = new MultiLayerNetwork(NetworkFactory.configuration(mlp));
        again.init();
        assertEquals(net.params(), again.params(), "the seed fixes the initial weights");
    }

    @Test
    void aBadSpecFailsNamingFileLineAndFieldAndWhatIsAllowed() {
        String base = """
                model: m
                task: classification
                label: y
                classes: 3
                features: ["x_{0..3}"]
                network:
                  type: mlp
                  layers:
                    - { type: dense, units: 8, activation: relu }
                training: { epochs: 2, batch_size: 4, seed: 1, learning_rate: 0.01 }
                """;
        assertEquals(4, ModelSpecParser.parse("ok.yaml", base).features().size());
        Map<String, String> bad = Map.of(
                base.replace("activation: relu", "activation: rellu"),
                "Model spec bad.yaml:9: network.layers[0].activation: unknown activation 'rellu'; expected one of cube, elu,",
                base.replace("classes: 3", "classes: 1"),
                "Model spec bad.yaml:4: classes: must be at least 2, not 1",
                base.replace("task: classification", "task: ranking"),
                "Model spec bad.yaml:2: task: unknown value 'ranking'; expected one of classification, regression",
                base.replace("type: mlp", "type: cnn"),
                "Model spec bad.yaml:7: network.input_shape: required field is missing",
                base.replace("type: dense, units: 8", "type: conv, filters: 8, kernel: [2, 2]"),
                "Model spec bad.yaml:9: network.layers[0].type: 'conv' layers need network.type cnn",
                base.replace("features: [\"x_{0..3}\"]", "features: [x_0, y]"),
                "Model spec bad.yaml:5: features[1]: the label 'y' cannot also be a feature",
                base.replace("epochs: 2", "epochs: 0"),
                "Model spec bad.yaml:10: training.epochs: must be at least 1, not 0",
                base.replace("learning_rate: 0.01", "learning_rate: -1"),
                "Model spec bad.yaml:10: training.learning_rate: must be a positive number, not -1",
                base + "optimizer: adam\n",
                "Model spec bad.yaml:11: optimizer: unknown field; allowed here: classes, description, early_stopping,",
                base.replace("units: 8, activation", "units: 8, dropout: 1, activation"),
                "Model spec bad.yaml:9: network.layers[0].dropout: dropout is the probability of dropping an input: at least 0 and below 1");
        bad.forEach((yaml, expected) -> {
            ModelSpecException e = assertThrows(ModelSpecException.class, () -> ModelSpecParser.parse("bad.yaml", yaml));
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        });
        ModelSpecException every = assertThrows(ModelSpecException.class, () -> ModelSpecParser.parse("bad.yaml",
                base.replace("learning_rate: 0.01", "learning_rate: 0.01, checkpoint_every_iterations: 0")));
        assertEquals("Model spec bad.yaml:10: training.checkpoint_every_iterations: must be at least 1, not 0", every.getMessage());
        String cnn = base.replace("type: mlp", "type: cnn\n  input_shape: [1, 3, 3]");
        ModelSpecException shape = assertThrows(ModelSpecException.class, () -> ModelSpecParser.parse("bad.yaml", cnn));
        assertEquals("Model spec bad.yaml:8: network.input_shape: channels x height x width is 9 but there are 4 features",
                shape.getMessage());
        UsageException missing = assertThrows(UsageException.class, () -> ModelSpecParser.parse(MODELS.resolve("nope.yaml")));
        assertEquals("Cannot read model spec " + MODELS.resolve("nope.yaml") + " (NoSuchFileException): check the path given to --spec",
                missing.getMessage());
    }
}
