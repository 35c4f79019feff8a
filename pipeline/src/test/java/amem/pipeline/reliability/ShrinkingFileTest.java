package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.pipeline.train.TinyQf;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
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
            // The JVM survives the SIGBUS. Interpreted, the reader turns HotSpot's InternalError into its own error
            // naming the file; once the JIT has compiled the read (as after other tests in this JVM), HotSpot may
            // deliver the InternalError after the read returned, outside the reader: AmemCli.execute turns that one
            // into a one-line error (exit 1). Either of the two, and nothing else, is allowed.
            assertCleanFault(faultOf(() -> train.token(tokens - 1)), train.file());
            int[] buffer = new int[64];
            assertCleanFault(faultOf(() -> train.read(tokens - 64, buffer, 0, 64)), train.file());
        }
    }

    /**
     * What a read threw. HotSpot raises the InternalError of a faulting compiled read at its next safepoint poll,
     * which may lie after the read returned (the JIT can inline the read into its caller; seen in a full test run):
     * the loop after the read keeps those polls inside this try.
     */
    private static Throwable faultOf(Runnable read) {
        try {
            read.run();
            for (int i = 0; i < 1_000; i++) { // calls and loop back-edges: polls at which HotSpot delivers it
                Thread.yield();
                Objects.hash(i, read);
            }
        } catch (Throwable t) {
            return t;
        }
        return null;
    }

    private static void assertCleanFault(Throwable t, Path file) {
        assertNotNull(t, "a read of a truncated mapping must fail");
        if (t instanceof UncheckedIOException u) {
            assertTrue(u.getCause().getMessage().startsWith(file + " became shorter while amem was reading"),
                    u.getCause().getMessage());
        } else {
            assertTrue(t instanceof InternalError && t.getMessage().contains("unsafe memory access"), t.toString());
        }
    }
}
