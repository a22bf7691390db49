package dev.replicagroup.replica.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What clients saw, and the checks on it. Each client writes its own key with increasing versions, so "the
 * newest acknowledged version of a key" is a number and a stale read is one that returns a smaller number.
 */
final class History {
    private final Map<String, Long> acknowledged = new HashMap<>();
    /** Per key, when each version was acknowledged (versions only grow): the bounded-staleness check. */
    private final Map<String, TreeMap<Long, Long>> acknowledgedAt = new HashMap<>();

    private final Map<Long, String> primaryOfTerm = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long writes;
    private long reads;
    private long helperReads;

    void acknowledged(long now, String key, long version) {
        acknowledged.merge(key, version, Math::max);
        acknowledgedAt.computeIfAbsent(key, k -> new TreeMap<>()).merge(now, version, Math::max);
        writes++;
    }

    /** The newest version of {@code key} acknowledged before {@code time} (0: none). */
    long acknowledgedBefore(String key, long time) {
        TreeMap<Long, Long> versions = acknowledgedAt.get(key);
        Map.Entry<Long, Long> before = versions == null ? null : versions.lowerEntry(time);
        return before == null ? 0 : before.getValue();
    }

    /** A read was answered (the simulation checked it); {@code byHelper}: a bounded-staleness read a helper served. */
    void read(boolean byHelper) {
        reads++;
        if (byHelper) {
            helperReads++;
        }
    }

    void becamePrimary(long now, String node, long term) {
        String earlier = primaryOfTerm.putIfAbsent(term, node);
        if (earlier != null && !earlier.equals(node)) {
            violate(now, "two primaries in term " + term + ": " + earlier + " and " + node);
        }
    }

    Map<String, Long> acknowledged() {
        return acknowledged;
    }

    void violate(long now, String what) {
        violations.add("at " + now + " ms: " + what);
    }

    List<String> violations() {
        return violations;
    }

    long writes() {
        return writes;
    }

    long reads() {
        return reads;
    }

    long helperReads() {
        return helperReads;
    }
}
