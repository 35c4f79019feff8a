package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.train.TinyQf;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input gets one readable line naming the culprit and a non-zero exit, never a stack trace or garbage. */
class BadInputTest {

    /** An exit code and what went to stderr. */
    record Result(int code, String err) {}

    /** Runs the CLI in this JVM; fails on a stack trace in its error output. */
    static Result amem(String... args) {
        CommandLine cli = AmemCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute(args);
        String text = err.toString();
        assertFalse(text.contains("\tat "), "no stack trace:\n" + text);
        return new Result(code, text);
    }

    private static Path config(Path dir, Path store, String... sets) throws Exception {
        var config = TinyQf.config(store, 4);
        for (String set : sets) {
            config = config.withAssignment(set);
        }
        Path file = dir.resolve("config.json");
        Files.writeString(file, config.toPrettyJson());
        return file;
    }

    @Test
    void corruptedBinIsCaughtByItsChecksum(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        try (FileChannel channel = FileChannel.open(store.resolve("train.bin"), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {7, 0}), 100); // same size, different content
        }
        Result result = amem("train", "--config", config(dir, store).toString(), "--run", dir.resolve("r").toString());
        assertEquals(1, result.code);
        assertTrue(result.err.contains("train.bin") && result.err.contains("sha256"), result.err);
        assertFalse(Files.exists(dir.resolve("r")), "nothing written for a refused run");
    }

    @Test
    void truncatedBinIsNamedWithItsSizes(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        try (FileChannel channel = FileChannel.open(store.resolve("val.bin"), StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 2);
        }
        Result result = amem("train", "--config", config(dir, store).toString(), "--run", dir.resolve("r").toString());
        assertEquals(1, result.code);
        assertTrue(result.err.contains("val.bin"), result.err);
        assertFalse(Files.exists(dir.resolve("r")));
    }

    @Test
    void metaWithoutARequiredFieldIsNamed(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path meta = store.resolve("meta.json");
        Files.writeString(meta, Files.readString(meta).replaceFirst("\"vocab_size\": 68,", ""));
        Result result = amem("train", "--config", config(dir, store).toString(), "--run", dir.resolve("r").toString());
        assertEquals(1, result.code);
        assertTrue(result.err.contains("vocab_size") && result.err.contains("meta.json"), result.err);
    }

    @Test
    void tokenIdsBeyondTheVocabularyAreRefusedWithTheId(@TempDir Path dir) throws Exception {
        // A nanoGPT-style directory (no meta.json: GPT-2 vocabulary of 50,257) holding the id 60000.
        Path store = Files.createDirectories(dir.resolve("nanogpt"));
        for (String split : new String[] {"train", "val"}) {
            ByteBuffer tokens = ByteBuffer.allocate(2 * 400).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 400; i++) {
                tokens.putShort((short) (i == 150 ? 60000 : i % 1000));
            }
            Files.write(store.resolve(split + ".bin"), tokens.array());
        }
        Result result = amem("train", "--config", config(dir, store, "model.architecture=gpt2", "data.sampler=windows",
                "model.context_length=8", "train.eval_batches=40").toString(), "--run", dir.resolve("r").toString());
        assertEquals(1, result.code);
        assertTrue(result.err.contains("contains token id 60000, outside the vocabulary of 50257"), result.err);
        assertFalse(Files.exists(dir.resolve("r/DONE")));
    }

    @Test
    void aModelTooLargeForMemoryIsRefusedBeforeAllocating(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Result result = amem("train", "--config", config(dir, store).toString(), "--run", dir.resolve("r").toString(),
                "--set", "model.n_embd=65536", "--set", "model.n_head=16", "--set", "model.n_layer=48");
        assertEquals(2, result.code);
        assertTrue(result.err.contains("the model is too large for cpu()"), result.err);
        assertTrue(result.err.contains("GiB"), result.err);
        assertFalse(Files.exists(dir.resolve("r")));
    }
}
