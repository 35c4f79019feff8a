package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import amem.models.Architecture;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import com.google.gson.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** train.precision: its values, what TF32 needs from the environment, the loss scaler's rule, the memory per precision. */
class PrecisionTest {

    @Test
    void autoIsTf32OnAGpuAndFp32OnACpu() {
        assertEquals(Precision.TF32, Precision.resolve("auto", Device.gpu()));
        assertEquals(Precision.FP32, Precision.resolve("auto", Device.cpu()));
        assertEquals(Precision.FP16, Precision.resolve("FP16", Device.cpu()));
        ConfigException bad = assertThrows(ConfigException.class, () -> Precision.resolve("bf16", Device.gpu()));
        assertEquals("train.precision = \"bf16\" is not one of auto, fp32, tf32, fp16 (bf16: see docs/GPU.md)",
                bad.getMessage());
    }

    @Test
    void tf32MattersOnlyForFloat32OnAGpu() {
        assertEquals(Optional.of(true), Tf32Environment.required(Precision.TF32, Device.gpu()));
        assertEquals(Optional.of(false), Tf32Environment.required(Precision.FP32, Device.gpu()));
        assertEquals(Optional.empty(), Tf32Environment.required(Precision.FP16, Device.gpu()));
        assertEquals(Optional.empty(), Tf32Environment.required(Precision.TF32, Device.cpu()));
        Tf32Environment.check(Precision.TF32, Device.cpu()); // never restarts on a CPU
    }

    @Test
    void scalerGrowsAfter2000GoodStepsHalvesOnOverflowAndRoundTrips() {
        LossScaler scaler = new LossScaler(LossScaler.INITIAL_SCALE);
        for (int i = 0; i < 1999; i++) {
            assertTrue(scaler.update(true));
        }
        assertEquals(65536.0, scaler.scale());
        scaler.update(true);
        assertEquals(131072.0, scaler.scale(), "doubled after 2000 good steps");
        assertEquals(0, scaler.goodSteps());
        scaler.update(true);
        assertFalse(scaler.update(false), "an overflow skips the update");
        assertEquals(65536.0, scaler.scale());
        assertEquals(0, scaler.goodSteps(), "and restarts the count");
        scaler.update(true);
        JsonObject counters = new JsonObject();
        scaler.save(counters);
        LossScaler restored = LossScaler.restore(counters, 1.0);
        assertEquals(65536.0, restored.scale());
        assertEquals(1, restored.goodSteps());
        assertEquals(8.0, LossScaler.restore(new JsonObject(), 8.0).scale(), "no state: the configured initial scale");
    }

    @Test
    void fp16NeedsMoreBytesPerParameterButFewerForActivations() {
        ModelConfig gpt2 = new ModelConfig(Architecture.GPT2, 50257, 1024, 12, 12, 768, 3072, 0f, true);
        long fp32 = MemoryBudget.trainingBytes(gpt2, 12, 1024, Precision.FP32);
        long fp16 = MemoryBudget.trainingBytes(gpt2, 12, 1024, Precision.FP16);
        assertEquals(fp32, MemoryBudget.trainingBytes(gpt2, 12, 1024, Precision.TF32));
        assertEquals(fp32, MemoryBudget.trainingBytes(gpt2, 12, 1024));
        // batch 1, context 1: the parameters dominate, 20 bytes each against 16
        long n = amem.models.ParameterCount.of(gpt2).total();
        assertTrue(MemoryBudget.trainingBytes(gpt2, 1, 1, Precision.FP16) - 20 * n
                < MemoryBudget.trainingBytes(gpt2, 1, 1, Precision.FP32) - 16 * n);
        assertEquals(42.6, fp32 / (double) (1L << 30), 0.05, "GiB, as docs/GPU.md quotes");
        assertEquals(26.2, fp16 / (double) (1L << 30), 0.05, "GiB, as docs/GPU.md quotes");
    }
}
