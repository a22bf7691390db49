package dev.replicagroup.replica.core;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How live each known server has been. A successful contact adds one, a failure halves the score
 * (additive increase, multiplicative decrease): a flapping server sinks faster than it climbs back.
 */
public final class LivenessTable {
    public static final int MAX = 100;

    private final Map<String, Integer> scores = new LinkedHashMap<>();

    public void success(String address) {
        scores.merge(address, 1, (old, one) -> Math.min(MAX, old + one));
    }

    public void failure(String address) {
        scores.merge(address, 0, (old, zero) -> old / 2);
    }

    public int of(String address) {
        return scores.getOrDefault(address, 0);
    }

    public void forget(String address) {
        scores.remove(address);
    }

    /** Most live first; equal scores in the order the servers became known. */
    public List<Map.Entry<String, Integer>> sorted() {
        return scores.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }
}
