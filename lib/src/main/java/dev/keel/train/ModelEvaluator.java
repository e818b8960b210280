package dev.keel.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.EvaluationAveraging;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Evaluates a network on a split: classification accuracy, per-class precision/recall/F1, macro-F1, confusion and log loss; regression RMSE, MAE and R². */
final class ModelEvaluator {
    private static final double EPSILON = 1e-15;

    private ModelEvaluator() {
    }

    static ModelMetrics evaluate(MultiLayerNetwork net, Iterator<DataSet> batches, Optional<DataNormalization> normaliser,
            ModelSpec spec) {
        boolean classification = spec.task() == ModelSpec.Task.CLASSIFICATION;
        Evaluation evaluation = new Evaluation(spec.classes());
        RegressionEvaluation regression = new RegressionEvaluation(1);
        double logLoss = 0;
        long examples = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            normaliser.ifPresent(n -> n.transform(batch));
            INDArray output = net.output(batch.getFeatures(), false);
            examples += batch.numExamples();
            if (classification) {
                evaluation.eval(batch.getLabels(), output);
                INDArray clipped = Transforms.max(output, EPSILON, true);
                logLoss -= Transforms.log(clipped, false).muli(batch.getLabels()).sumNumber().doubleValue();
            } else {
                regression.eval(batch.getLabels(), output);
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        List<Map<String, Double>> perClass = new ArrayList<>();
        long[][] confusion = new long[0][0];
        if (classification) {
            values.put("accuracy", evaluation.accuracy());
            values.put("macro_f1", evaluation.f1(EvaluationAveraging.Macro));
            values.put("log_loss", examples == 0 ? Double.NaN : logLoss / examples);
            confusion = new long[spec.classes()][spec.classes()];
            for (int actual = 0; actual < spec.classes(); actual++) {
                Map<String, Double> c = new LinkedHashMap<>();
                c.put("precision", evaluation.precision(actual));
                c.put("recall", evaluation.recall(actual));
                c.put("f1", evaluation.f1(actual));
                perClass.add(c);
                for (int predicted = 0; predicted < spec.classes(); predicted++) {
                    confusion[actual][predicted] = evaluation.getConfusionMatrix().getCount(actual, predicted);
                }
            }
        } else {
            values.put("rmse", regression.rootMeanSquaredError(0));
            values.put("mae", regression.meanAbsoluteError(0));
            values.put("r2", regression.rSquared(0));
        }
        return new ModelMetrics(examples, values, perClass, confusion);
    }
}
