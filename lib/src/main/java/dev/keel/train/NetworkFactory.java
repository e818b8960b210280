package dev.keel.train;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import dev.keel.train.ModelSpec.Convolution;
import dev.keel.train.ModelSpec.Dense;
import dev.keel.train.ModelSpec.Layer;
import dev.keel.train.ModelSpec.Network;
import dev.keel.train.ModelSpec.Pooling;
import dev.keel.train.ModelSpec.Training;

/** The DL4J network configuration a {@link ModelSpec} declares; the same spec always gives the same configuration. */
public final class NetworkFactory {
    private NetworkFactory() {
    }

    public static MultiLayerConfiguration configuration(ModelSpec spec) {
        Network network = spec.network();
        Training training = spec.training();
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(training.seed())
                .weightInit(WeightInit.valueOf(upper(network.weightInit())))
                .updater(updater(training))
                .l2(training.l2())
                .list();
        int index = 0;
        for (Layer layer : network.layers()) {
            layers.layer(index++, layer(layer));
        }
        layers.layer(index, new OutputLayer.Builder(LossFunction.valueOf(upper(network.loss())))
                .nOut(spec.classes())
                .activation(Activation.valueOf(upper(network.outputActivation())))
                .build());
        List<Integer> shape = network.inputShape().orElse(List.of());
        layers.setInputType(network.kind() == Network.Kind.CNN
                ? InputType.convolutionalFlat(shape.get(1), shape.get(2), shape.get(0))
                : InputType.feedForward(spec.features().size()));
        return layers.build();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(Layer layer) {
        if (layer instanceof Dense d) {
            DenseLayer.Builder b = new DenseLayer.Builder().nOut(d.units()).activation(Activation.valueOf(upper(d.activation())));
            if (d.dropout() > 0) {
                b.dropOut(1 - d.dropout());
            }
            return b.build();
        }
        if (layer instanceof Convolution c) {
            return new ConvolutionLayer.Builder(c.kernel().get(0), c.kernel().get(1))
                    .stride(c.stride().get(0), c.stride().get(1))
                    .nOut(c.filters())
                    .activation(Activation.valueOf(upper(c.activation())))
                    .build();
        }
        Pooling p = (Pooling) layer;
        return new SubsamplingLayer.Builder(p.type().equals("avg") ? PoolingType.AVG : PoolingType.MAX)
                .kernelSize(p.kernel().get(0), p.kernel().get(1))
                .stride(p.stride().get(0), p.stride().get(1))
                .build();
    }

    /** The updater with its learning rate, scheduled per epoch when the spec has a schedule. */
    static IUpdater updater(Training training) {
        double rate = training.updater().learningRate();
        ISchedule schedule = training.schedule().<ISchedule>map(s -> s.type().equals("step")
                ? new StepSchedule(ScheduleType.EPOCH, rate, s.decay(), s.everyEpochs())
                : new ExponentialSchedule(ScheduleType.EPOCH, rate, s.decay()))
                .orElse(new MapSchedule(ScheduleType.EPOCH, Map.of(0, rate)));
        return switch (training.updater().type()) {
            case "adam" -> new Adam(schedule);
            case "sgd" -> new Sgd(schedule);
            case "nesterovs" -> new Nesterovs(schedule, Nesterovs.DEFAULT_NESTEROV_MOMENTUM);
            case "rmsprop" -> new RmsProp(schedule);
            case "adagrad" -> new AdaGrad(schedule);
            default -> throw new IllegalArgumentException("Cannot build updater: unknown type, cannot be: " + training.updater().type());
        };
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT);
    }
}
