package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import amem.datasets.djl.TokenLineDataset;
import amem.datasets.djl.TokenWindowDataset;
import amem.datasets.store.TokenStore;
import amem.models.LanguageModels;
import amem.models.ModelConfig;
import amem.models.NextTokenLoss;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DJL user's training on an amem store: amem's DJL datasets, an amem GPT-2 as the block, DJL's own {@code
 * Trainer}, optimizer and {@code EasyTrain.fit}. The validation loss must fall, and DJL's own account of it must
 * equal the loss computed batch by batch.
 */
class DjlEasyTrainTest {

    @TempDir
    static Path dir;
    private static TokenStore store;

    @BeforeAll
    static void build() throws Exception {
        store = TokenStore.open(TinyQf.store(dir));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static Trainer trainer(Model model, Loss loss, int context) {
        Engine.getInstance().setRandomSeed(5);
        model.setBlock(LanguageModels.create(ModelConfig.gpt2(store.vocabSize(), context, 1, 2, 32)));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss)
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build())
                .optDevices(new Device[] {Device.cpu()})
                .addTrainingListeners(TrainingListener.Defaults.basic()));
        trainer.initialize(new Shape(1, context));
        return trainer;
    }

    /** Mean over the dataset's batches of the trainer's loss, by hand. */
    private static double loss(Trainer trainer, RandomAccessDataset data) throws Exception {
        double sum = 0;
        int batches = 0;
        for (Batch batch : trainer.iterateDataset(data)) {
            NDList predictions = trainer.evaluate(batch.getData());
            sum += trainer.getLoss().evaluate(batch.getLabels(), predictions).getFloat();
            batches++;
            batch.close();
        }
        return sum / batches;
    }

    /**
     * Fits a fresh model with DJL's {@code EasyTrain.fit} and checks that the validation loss fell by a nat and that
     * DJL's own validation loss is the batch-by-batch one.
     *
     * @return the trainer, for further checks (the caller closes the model)
     */
    private static Trainer fitAndCheck(Model model, RandomAccessDataset train, RandomAccessDataset val, int context,
            int epochs) throws Exception {
        Trainer trainer = trainer(model, new NextTokenLoss(), context);
        double before = loss(trainer, val);
        EasyTrain.fit(trainer, epochs, train, val);
        double after = loss(trainer, val);
        System.out.printf("DJL EasyTrain on %s: validation loss %.4f -> %.4f nats%n", model.getName(), before, after);
        assertTrue(before > 3 && after < before - 1.0, "validation loss " + before + " -> " + after + " nats");
        assertEquals(after, trainer.getTrainingResult().getValidateLoss(), 1e-4,
                "DJL's validation loss is the mean of the batches' losses");
        return trainer;
    }

    @Test
    void linesTrainWithDjlsEasyTrainAndAMaskedLoss() throws Exception {
        TokenLineDataset train = TokenLineDataset.builder().setSplit(store.split("train")).setMaxLength(40)
                .setSampling(16, true).build();
        TokenLineDataset val = TokenLineDataset.builder().setSplit(store.split("val")).setMaxLength(40)
                .setSampling(16, false).build();
        try (Model model = Model.newInstance("amem-lines", Device.cpu(), "PyTorch");
                Trainer trainer = fitAndCheck(model, train, val, 40, 3)) {
            assertEquals(2, trainer.iterateDataset(val).iterator().next().getLabels().size(), "targets and mask");
        }
    }

    @Test
    void windowsTrainWithDjlsEasyTrain() throws Exception {
        TokenWindowDataset train = TokenWindowDataset.builder().setSplit(store.split("train")).setContextLength(16)
                .setSampling(16, true).build();
        TokenWindowDataset val = TokenWindowDataset.builder().setSplit(store.split("val")).setContextLength(16)
                .setSampling(16, false).build();
        try (Model model = Model.newInstance("amem-windows", Device.cpu(), "PyTorch");
                Trainer trainer = fitAndCheck(model, train, val, 16, 2)) {
            // The unmasked next-token loss is DJL's softmax cross-entropy over the (B·T, V) rows.
            Batch batch = trainer.iterateDataset(val).iterator().next();
            NDList predictions = trainer.evaluate(batch.getData());
            long v = predictions.head().getShape().get(2);
            float djl = new SoftmaxCrossEntropyLoss().evaluate(new NDList(batch.getLabels().head().flatten()),
                    new NDList(predictions.head().reshape(-1, v))).getFloat();
            assertEquals(djl, trainer.getLoss().evaluate(batch.getLabels(), predictions).getFloat(), 1e-5);
            batch.close();
        }
    }
}
