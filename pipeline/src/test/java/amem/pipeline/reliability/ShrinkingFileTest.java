package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.pipeline.train.TinyQf;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token file truncated by another program while a store has it mapped: reading a page that is gone ends in a
 * one-line error naming the file (not a JVM crash), for single tokens and for bulk reads.
 */
class ShrinkingFileTest {

    @Test
    void aTokenFileTruncatedWhileMappedIsReportedNotFatal(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        try (TokenStore opened = TokenStore.open(store)) {
            TokenSplit train = opened.split("train");
            long tokens = train.tokens();
            assertTrue(tokens * 2 > 3 * 4096, "the file spans several pages");
            try (FileChannel channel = FileChannel.open(train.file(), StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            UncheckedIOException single = assertThrows(UncheckedIOException.class, () -> train.token(tokens - 1));
            assertTrue(single.getCause().getMessage().startsWith(train.file() + " became shorter while amem was reading"),
                    single.getCause().getMessage());
            int[] buffer = new int[64];
            UncheckedIOException bulk = assertThrows(UncheckedIOException.class,
                    () -> train.read(tokens - 64, buffer, 0, 64));
            assertTrue(bulk.getCause().getMessage().contains("another program truncated or rewrote it"));
        }
    }
}
