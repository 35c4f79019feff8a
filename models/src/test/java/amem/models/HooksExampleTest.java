package amem.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Runs the Java example of docs/HOOKS.md and checks that the document shows exactly this code. */
class HooksExampleTest {

    @Test
    void theDocumentedExampleRunsAndIsTheDocumentsCode() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(Fixtures.tinyGpt2(), manager, 3, DataType.FLOAT32);
            int[][] cleanIds = Fixtures.randomTokens(1, 2, 6, 11);
            int[][] corruptIds = Fixtures.randomTokens(2, 2, 6, 11);
            // example:begin
            ParameterStore ps = new ParameterStore(manager, false);
            NDManager step = manager.newSubManager();          // every array below closes with `step`
            NDArray clean = step.create(cleanIds);             // token ids (B, T)
            NDArray corrupt = step.create(corruptIds);

            // run_with_cache: the logits and the selected activations (detached, owned by `step`)
            ActivationCache cache = model.runWithCache(ps, clean, List.of("blocks.*.attn.hook_z"));
            NDArray z0 = cache.get("blocks.0.attn.hook_z");   // (B, T, heads, d)

            // activation patching: head 1 of block 0 takes its output from the clean run
            NDArray patched = model.runWithHooks(ps, corrupt,
                    Map.of("blocks.0.attn.hook_z", HookFunctions.replaceHead(1, z0)));

            // zero ablation of block 1's MLP, and a hook written by hand: (value, point) -> replacement
            NDArray ablated = model.runWithHooks(ps, corrupt, Map.of(
                    "blocks.1.hook_mlp_out", HookFunctions.zero(),
                    "blocks.0.hook_resid_post", (value, point) -> value.mul(0.5)));

            // a hook that stays until closed; a cache taken meanwhile sees the ablated values
            HookPoints.Attachment noMlp = model.hooks().addHook("blocks.*.hook_mlp_out", HookFunctions.zero());
            ActivationCache withoutMlps = model.runWithCache(ps, clean, List.of("**"));
            noMlp.close();
            // example:end
            assertEquals(new Shape(2, 6, 2, 4), z0.getShape());
            assertEquals(0f, withoutMlps.get("blocks.0.hook_mlp_out").abs().max().getFloat());
            float moved = patched.sub(model.logits(ps, corrupt, false)).abs().max().getFloat();
            assertTrue(moved > 0, "the patch changes the logits");
            assertEquals(new Shape(2, 6, 11), ablated.getShape());
            assertTrue(model.hooks().all().stream().noneMatch(HookPoint::active));
            step.close();
        }
        String documented = javaBlock(Path.of("..", "docs", "HOOKS.md"));
        assertEquals(example(), documented, "docs/HOOKS.md's first Java block is the code between the markers");
    }

    /** The lines between the markers in this file, without their common indentation. */
    private static String example() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/amem/models/HooksExampleTest.java"));
        int from = indexOf(lines, "// example:begin") + 1;
        int to = indexOf(lines, "// example:end");
        List<String> body = lines.subList(from, to);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }

    private static String javaBlock(Path doc) throws IOException {
        String text = Files.readString(doc);
        int start = text.indexOf("```java\n") + "```java\n".length();
        int end = text.indexOf("```", start);
        return Arrays.stream(text.substring(start, end).split("\n")).collect(Collectors.joining("\n"));
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker) && !lines.get(i).contains("\"")) {
                return i;
            }
        }
        throw new AssertionError("marker " + marker + " missing");
    }
}
