package amem.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A preset cut to fewer steps keeps its warm-up and evaluation shares where its own values no longer fit. */
class StepScalingTest {

    private static final RunConfig PRESET = Presets.get("qf-vanilla-tiny").resolve(); // 3000 steps, warm-up 200, eval 500

    @Test
    void quickstartWith200StepsIsNoLongerAllWarmUp() {
        RunConfig cut = PRESET.withAssignment("train.steps=200");
        StepScaling.Result fitted = StepScaling.fit(PRESET, cut, Set.of("train.steps"));
        assertEquals(13, fitted.config().getLong("train.warmup_steps")); // 200 * 200 / 3000 = 13.3
        assertEquals(33, fitted.config().getLong("train.eval_interval")); // 500 * 200 / 3000 = 33.3: 6 evaluations
        assertEquals(List.of(new StepScaling.Change("train.warmup_steps", 200, 13),
                new StepScaling.Change("train.eval_interval", 500, 33)), fitted.changes());
        assertTrue(fitted.message().contains("train.warmup_steps 200 -> 13")
                && fitted.message().contains("train.eval_interval 500 -> 33"), fitted.message());
    }

    @Test
    void valuesThatStillFitAndExplicitKeysAreLeftAlone() {
        RunConfig slightlyShorter = PRESET.withAssignment("train.steps=2500"); // warm-up 8 %, 5 evaluations
        StepScaling.Result kept = StepScaling.fit(PRESET, slightlyShorter, Set.of("train.steps"));
        assertTrue(kept.changes().isEmpty());
        assertNull(kept.message());

        RunConfig explicit = PRESET.withAssignment("train.steps=200").withAssignment("train.warmup_steps=150");
        StepScaling.Result fitted = StepScaling.fit(PRESET, explicit, Set.of("train.steps", "train.warmup_steps"));
        assertEquals(150, fitted.config().getLong("train.warmup_steps"));
        assertEquals(33, fitted.config().getLong("train.eval_interval"));

        RunConfig longer = PRESET.withAssignment("train.steps=6000");
        assertTrue(StepScaling.fit(PRESET, longer, Set.of("train.steps")).changes().isEmpty());
        assertEquals(Set.of("train.steps", "train.lr"), StepScaling.keysOf(List.of("train.steps=5", " train.lr = 1")));
    }
}
