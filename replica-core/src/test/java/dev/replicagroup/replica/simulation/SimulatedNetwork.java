package dev.replicagroup.replica.simulation;

import dev.replicagroup.replica.core.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Messages in flight between simulated replicas: each is delayed by a random time (so they reorder), may be
 * dropped or duplicated, and is lost when a partition separates sender and receiver at delivery time.
 */
final class SimulatedNetwork {
    private record InFlight(long at, long order, Message message) {}

    private final Random random;
    private final PriorityQueue<InFlight> queue =
            new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    /** How many partitions separate each ordered pair (they overlap, and each heals on its own). */
    private final Map<String, Integer> cuts = new HashMap<>();

    private long order;
    private double dropRate;
    private int maxDelayMillis;

    SimulatedNetwork(Random random) {
        this.random = random;
    }

    void weather(double drops, int maxDelay) {
        this.dropRate = drops;
        this.maxDelayMillis = maxDelay;
    }

    void send(long now, Message message) {
        if (random.nextDouble() < dropRate) {
            return;
        }
        int copies = random.nextDouble() < dropRate / 2 ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            queue.add(new InFlight(now + 1 + random.nextInt(maxDelayMillis + 1), order++, message));
        }
    }

    /** The messages due by {@code now} that no partition stops. */
    List<Message> due(long now) {
        List<Message> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().at <= now) {
            Message m = queue.poll().message;
            if (!separated(m.from(), m.to())) {
                due.add(m);
            }
        }
        return due;
    }

    /** Forgets what {@code address} sent that has not arrived yet. */
    void dropFrom(String address) {
        queue.removeIf(m -> m.message.from().equals(address));
    }

    int inFlight() {
        return queue.size();
    }

    void cut(String a, String b) {
        cuts.merge(a + "|" + b, 1, Integer::sum);
        cuts.merge(b + "|" + a, 1, Integer::sum);
    }

    void heal(String a, String b) {
        cuts.computeIfPresent(a + "|" + b, (k, n) -> n > 1 ? n - 1 : null);
        cuts.computeIfPresent(b + "|" + a, (k, n) -> n > 1 ? n - 1 : null);
    }

    boolean separated(String a, String b) {
        return cuts.containsKey(a + "|" + b);
    }

    void healAll() {
        cuts.clear();
    }
}
