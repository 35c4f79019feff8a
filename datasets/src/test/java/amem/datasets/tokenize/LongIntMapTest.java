package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongIntMapTest {
    @Test
    void holdsWhatAHashMapHolds() {
        SplittableRandom random = new SplittableRandom(12);
        LongIntMap map = new LongIntMap(5000);
        Map<Long, Integer> expected = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            // pairs of small ids, as the merge table's keys, and some large keys; repeated keys replace their value
            long key = random.nextBoolean() ? ((long) random.nextInt(300) << 32) | random.nextInt(300) : random.nextLong(Long.MAX_VALUE);
            int value = random.nextInt();
            map.put(key, value);
            expected.put(key, value);
        }
        assertEquals(expected.size(), map.size());
        for (Map.Entry<Long, Integer> e : expected.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey(), -7));
        }
        for (int i = 0; i < 5000; i++) {
            long key = random.nextLong(Long.MAX_VALUE);
            assertEquals(expected.getOrDefault(key, -7), map.get(key, -7));
        }
    }

    @Test
    void refusesMoreThanItsCapacity() {
        LongIntMap map = new LongIntMap(3);
        for (long k = 0; k < 4; k++) {
            map.put(k, 1); // capacity 3 gives 8 slots, half of which may fill
        }
        assertEquals("LongIntMap is full: 4 entries", assertThrows(IllegalStateException.class, () -> map.put(9, 1)).getMessage());
        assertEquals("negative key -1", assertThrows(IllegalArgumentException.class, () -> map.put(-1, 1)).getMessage());
    }
}
