package amem.datasets.sampling;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An endless sequence of line indices: epoch e is a permutation of {@code [0, lines)} drawn by
 * Fisher–Yates from {@code SplittableRandom(mix(seed, e))}, and position p is entry {@code p mod lines} of
 * epoch {@code p / lines}'s permutation. Any position is computed from its index alone.
 *
 * <p>Permutations are cached, one per epoch parity, so a batch that straddles two epochs does not evict the
 * one it came from. Cache entries are immutable and swapped atomically: concurrent callers at worst
 * compute the same permutation twice.
 */
final class ShuffledOrder {
    private record Epoch(long index, int[] permutation) {}

    private final int lines;
    private final long seed;
    private final AtomicReferenceArray<Epoch> cache = new AtomicReferenceArray<>(2);

    ShuffledOrder(int lines, long seed) {
        this.lines = lines;
        this.seed = seed;
    }

    int line(long position) {
        long epoch = position / lines;
        return permutation(epoch)[(int) (position % lines)];
    }

    int[] permutation(long epoch) {
        int slot = (int) (epoch & 1);
        Epoch cached = cache.get(slot);
        if (cached == null || cached.index() != epoch) {
            cached = new Epoch(epoch, shuffle(epoch));
            cache.set(slot, cached);
        }
        return cached.permutation();
    }

    private int[] shuffle(long epoch) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch));
        int[] p = new int[lines];
        for (int i = 0; i < lines; i++) {
            p[i] = i;
        }
        for (int i = lines - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
