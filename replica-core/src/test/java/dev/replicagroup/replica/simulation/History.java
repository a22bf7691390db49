package dev.replicagroup.replica.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What clients saw, and the checks on it. Each client writes its own key with increasing versions, so "the
 * newest acknowledged version of a key" is a number and a stale read is one that returns a smaller number.
 */
final class History {
    private final Map<String, Long> acknowledged = new HashMap<>();
    private final Map<Long, String> primaryOfTerm = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long writes;
    private long reads;

    void acknowledged(String key, long version) {
        acknowledged.merge(key, version, Math::max);
        writes++;
    }

    /** A read was answered (the simulation checked it against what was acknowledged when it was sent). */
    void read() {
        reads++;
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
}
