package dev.replicagroup.replica.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The stale-read check over a load history: a read must not return a value older than a write to the same key
 * that was acknowledged before the read was invoked. Decidable because the writes to one key carry increasing
 * values (a number at the end of the value, "v17" after "v16"), so "older" is a comparison; an absent value is
 * older than any. Writes that failed may still have applied, so they never make a read stale, and a read may
 * return their value.
 */
public final class StaleReads {
    private StaleReads() {}

    /** One line per stale read: the key, what it returned and what it should at least have returned. */
    public static List<String> find(List<OpRecord> history) {
        Map<String, List<OpRecord>> byKey = history.stream()
                .filter(OpRecord::ok)
                .collect(Collectors.groupingBy(OpRecord::key, TreeMap::new, Collectors.toList()));
        List<String> stale = new ArrayList<>();
        byKey.forEach((key, ops) -> check(key, ops, stale));
        return stale;
    }

    private static void check(String key, List<OpRecord> ops, List<String> stale) {
        // Acknowledged writes by completion, reads by invocation: one pass keeps the highest value acknowledged
        // before each read began.
        List<OpRecord> writes = ops.stream()
                .filter(OpRecord::isWrite)
                .sorted(Comparator.comparingLong(OpRecord::completeNs))
                .toList();
        List<OpRecord> reads = ops.stream()
                .filter(o -> !o.isWrite())
                .sorted(Comparator.comparingLong(OpRecord::invokeNs))
                .toList();
        int w = 0;
        long floor = -1;
        String floorValue = null;
        for (OpRecord read : reads) {
            while (w < writes.size() && writes.get(w).completeNs() < read.invokeNs()) {
                long version = version(writes.get(w));
                if (version > floor) {
                    floor = version;
                    floorValue = writes.get(w).value();
                }
                w++;
            }
            long got = read.value() == null ? -1 : version(read);
            if (got < floor) {
                stale.add(String.format(
                        "%s: read at %d ns returned %s, but %s was acknowledged before it began",
                        key, read.invokeNs(), read.value() == null ? "nothing" : read.value(), floorValue));
            }
        }
    }

    /** The number a value ends with; writes per key must carry increasing ones. */
    static long version(OpRecord op) {
        String value = op.value();
        int i = value.length();
        while (i > 0 && Character.isDigit(value.charAt(i - 1))) {
            i--;
        }
        if (i == value.length()) {
            throw new IllegalArgumentException("value " + value + " of " + op.key()
                    + " does not end with a version number; the stale-read check needs increasing values per key");
        }
        return Long.parseLong(value.substring(i));
    }
}
