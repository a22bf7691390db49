package dev.replicagroup.e2e.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The soak's faults in order, from a seed: the same seed and count give the same plan, so a failure replays
 * with {@code make soak SEED=<seed> FAULTS=<count>}. A fifth of the faults (at least two) kill the operator's
 * leader at a random point of a failover or a switchover, alternately; in any soak longer than the short one
 * ({@link #OPERATORS_GONE_FROM} faults on), once both operator pods are gone while the primary dies; the rest are
 * the other kinds in turn. With
 * {@link #ONE_OF_EACH} faults that is one of each kind but the operators gone: the short soak of {@code make test}.
 */
public record SoakPlan(long seed, List<Step> steps) {
    /** The leader is killed this long after the fault at most: before, during or just after the failover. */
    static final int KILL_WINDOW_MS = 3000;

    static final int OPERATORS_GONE_FROM = 10;
    static final int ONE_OF_EACH = 9;

    /** One kind of fault, named as in failover-times.txt and bench/REPORT.md. */
    public enum Kind {
        POD_DELETED("pod-deleted"),
        JVM_KILLED("jvm-killed"),
        FROZEN("frozen-sigstop"),
        PARTITION_HELPERS("partition-helpers"),
        PARTITION_ALL("partition-all"),
        SWITCHOVER("switchover"),
        SCALE("scale-down-up"),
        LEADER_KILLED("leader-killed"),
        LEADER_KILLED_SWITCHOVER("leader-killed-switchover"),
        OPERATORS_GONE("operators-gone");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Every kind but the scale moves the primary to another pod in a higher term. */
        public boolean movesThePrimary() {
            return this != SCALE;
        }

        /** Planned: the operator records SwitchoverCompleted, not FailoverCompleted. */
        public boolean switchover() {
            return this == SWITCHOVER || this == LEADER_KILLED_SWITCHOVER;
        }

        boolean killsTheLeader() {
            return this == LEADER_KILLED || this == LEADER_KILLED_SWITCHOVER;
        }
    }

    /**
     * The fault at {@code index} (from 1); for a leader kill, how long after the fault it comes.
     */
    public record Step(int index, Kind kind, int killAfterMs) {
        @Override
        public String toString() {
            return index + " " + kind.label()
                    + (kind.killsTheLeader() ? " (leader killed at +" + killAfterMs + " ms)" : "");
        }
    }

    public static SoakPlan of(long seed, int faults) {
        if (faults < 1) {
            throw new IllegalArgumentException("a soak needs at least 1 fault, got " + faults + " (FAULTS="
                    + ONE_OF_EACH + " is one of each kind)");
        }
        List<Kind> deck = new ArrayList<>();
        int kills = Math.min(faults, Math.max(2, Math.round(faults / 5f)));
        for (int i = 0; i < kills; i++) {
            deck.add(i % 2 == 0 ? Kind.LEADER_KILLED : Kind.LEADER_KILLED_SWITCHOVER);
        }
        if (faults >= OPERATORS_GONE_FROM) {
            deck.add(Kind.OPERATORS_GONE);
        }
        List<Kind> others = List.of(Kind.values()).stream()
                .filter(k -> !k.killsTheLeader() && k != Kind.OPERATORS_GONE)
                .toList();
        for (int i = 0; deck.size() < faults; i++) {
            deck.add(others.get(i % others.size()));
        }
        Random random = new Random(seed);
        Collections.shuffle(deck, random);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < deck.size(); i++) {
            Kind kind = deck.get(i);
            steps.add(new Step(i + 1, kind, kind.killsTheLeader() ? random.nextInt(KILL_WINDOW_MS) : 0));
        }
        return new SoakPlan(seed, List.copyOf(steps));
    }

    /** -Dsoak.seed (default: the clock, printed) and -Dsoak.faults (default: one of each kind). */
    public static SoakPlan fromSettings() {
        return of(number("soak.seed", System.currentTimeMillis()), (int) number("soak.faults", ONE_OF_EACH));
    }

    private static long number(String property, long otherwise) {
        String value = System.getProperty(property, "").trim();
        try {
            return value.isEmpty() ? otherwise : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + property + " must be a whole number, got '" + value + "' (make soak FAULTS=9 SEED=42)", e);
        }
    }

    /** How to run this plan again. */
    public String replay() {
        return "make soak SEED=" + seed + " FAULTS=" + steps.size();
    }

    @Override
    public String toString() {
        return "seed " + seed + ", " + steps.size() + " faults: "
                + steps.stream().map(Step::toString).collect(Collectors.joining(", "));
    }
}
