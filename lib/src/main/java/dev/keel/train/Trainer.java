package dev.keel.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;

import dev.keel.run.Progress;
import dev.keel.train.Checkpoints.Checkpoint;

/**
 * Trains a spec's network epoch by epoch, each epoch fitted by an {@link EpochFitter} (in this JVM,
 * or by parameter averaging over Spark executors): validation metrics after each epoch, a
 * checkpoint after each epoch, and early stopping (restoring the best epoch's weights) when the
 * spec asks for it. Given a checkpoint, it goes on from the epoch after it with the saved weights,
 * updater state, normaliser and history.
 *
 * <p>Deterministic on one CPU worker: weights start from the spec's seed, and every epoch's seed
 * comes from the spec's seed and the epoch number; the fitter orders the epoch's examples and
 * draws its dropout masks from it, so two runs, or a run and a resumed run, produce the same
 * parameters.
 */
public final class Trainer {
    private final Checkpoints checkpoints;
    private final Progress progress;
    private final EpochFitter fitter;

    public Trainer(Checkpoints checkpoints, Progress progress, EpochFitter fitter) {
        this.checkpoints = requireNonNull(checkpoints, "checkpoints");
        this.progress = requireNonNull(progress, "progress");
        this.fitter = requireNonNull(fitter, "fitter");
    }

    /**
     * The trained network and its history.
     *
     * @param network the final (or, with early stopping, the best) network
     * @param normaliser fitted on the train split
     * @param history one record per epoch trained, resumed epochs included
     * @param bestEpoch the epoch whose weights the network holds
     * @param resumedFrom the checkpoint epoch training continued from, 0 when it started fresh
     */
    public record Outcome(MultiLayerNetwork network, Optional<DataNormalization> normaliser, List<EpochRecord> history, int bestEpoch,
            int resumedFrom) {
        public Outcome {
            requireNonNull(network, "network");
            requireNonNull(normaliser, "normaliser");
            history = List.copyOf(history);
        }
    }

    public Outcome train(ModelSpec spec, TrainingData train, TrainingData validation, Optional<Checkpoint> resume) {
        MultiLayerNetwork net;
        Optional<DataNormalization> normaliser;
        List<EpochRecord> history;
        if (resume.isPresent()) {
            net = resume.get().network();
            normaliser = resume.get().normaliser();
            history = new ArrayList<>(resume.get().history());
            progress.info(resume.get().partial().map(p -> "resuming epoch " + resume.get().epoch() + " after minibatch " + p.iteration())
                    .orElse("resuming after epoch " + resume.get().epoch()) + " from " + checkpoints.directory());
        } else {
            net = new MultiLayerNetwork(NetworkFactory.configuration(spec));
            net.init();
            normaliser = train.fitNormaliser();
            history = new ArrayList<>();
        }
        int start = resume.map(Checkpoint::completedEpochs).orElse(0);
        Optional<Checkpoints.Partial> partial = resume.flatMap(Checkpoint::partial);
        Optional<ModelSpec.EarlyStopping> stopping = spec.earlyStopping();
        int best = bestEpoch(history, spec);
        INDArray bestParams = best == 0 ? null
                : best == start && partial.isEmpty() ? net.params().dup() : checkpoints.read(best).network().params().dup();
        boolean stoppedBefore = stopping.isPresent() && start > 0 && start - best >= stopping.get().patience();
        if (stoppedBefore) {
            progress.info("the resumed run had already stopped early after epoch " + start + "; nothing left to train");
        }
        for (int epoch = start + 1; !stoppedBefore && epoch <= spec.training().epochs(); epoch++) {
            long began = System.nanoTime();
            long epochSeed = spec.training().seed() * 31 + epoch;
            int current = epoch;
            List<EpochRecord> completed = List.copyOf(history);
            EpochFitter.Fit fit = fitter.fit(net, normaliser, epochSeed, epoch == start + 1 ? partial : Optional.empty(),
                    p -> checkpoints.write(new Checkpoint(current, net, normaliser, completed, Optional.of(p))));
            double trainSeconds = (System.nanoTime() - began) / 1e9;
            ModelMetrics val = ModelEvaluator.evaluate(net, validation.batches(1024), normaliser, spec);
            double seconds = (System.nanoTime() - began) / 1e9;
            EpochRecord record = new EpochRecord(epoch, fit.loss(), val.values(),
                    trainSeconds > 0 ? fit.examples() / trainSeconds : 0, seconds);
            history.add(record);
            progress.info(String.format(Locale.ROOT, "epoch %d/%d (iteration %d): loss %.4f, validation %s, %.0f samples/s", epoch,
                    spec.training().epochs(), net.getIterationCount(), record.loss(), ModelMetrics.format(val.values()),
                    record.samplesPerSecond()));
            int newBest = bestEpoch(history, spec);
            if (newBest == epoch) {
                bestParams = net.params().dup();
            }
            best = newBest;
            checkpoints.write(new Checkpoint(epoch, net, normaliser, history, Optional.empty()));
            if (stopping.isPresent() && epoch - best >= stopping.get().patience()) {
                progress.info("early stop: validation " + stopping.get().metric() + " has not improved for "
                        + stopping.get().patience() + " epoch(s) since epoch " + best);
                break;
            }
        }
        if (stopping.isPresent() && bestParams != null && best != history.size()) {
            net.setParams(bestParams);
        }
        return new Outcome(net, normaliser, history, stopping.isPresent() ? best : history.size(), start);
    }

    /**
     * The epoch with the best validation metric (lowest log loss, or RMSE for a regression, or
     * highest accuracy); the last epoch without early stopping.
     */
    private static int bestEpoch(List<EpochRecord> history, ModelSpec spec) {
        if (history.isEmpty()) {
            return 0;
        }
        if (spec.earlyStopping().isEmpty()) {
            return history.get(history.size() - 1).epoch();
        }
        boolean lower = spec.earlyStopping().get().metric().equals("loss");
        String metric = !lower ? "accuracy" : spec.task() == ModelSpec.Task.CLASSIFICATION ? "log_loss" : "rmse";
        EpochRecord best = history.get(0);
        for (EpochRecord r : history) {
            double value = r.validation().get(metric);
            double bestValue = best.validation().get(metric);
            if (lower ? value < bestValue : value > bestValue) {
                best = r;
            }
        }
        return best.epoch();
    }
}
