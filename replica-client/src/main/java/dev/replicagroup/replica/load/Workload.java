package dev.replicagroup.replica.load;

import java.util.Locale;

/** What the load's clients do. */
public enum Workload {
    /**
     * Each write to a key of its own, reads of keys some client had acknowledged: a lost write is found by reading
     * every acknowledged one back, a stale read by {@link StaleReads}.
     */
    UNIQUE,
    /**
     * Writes of unique values and reads on a few keys shared by all clients: a lost update, a write applied twice
     * or any other non-linearizable outcome is found by checking the history ({@link LinearizabilityCheck}).
     */
    REGISTER;

    /** The --workload option's spelling: "unique" or "register". */
    public static Workload parse(String name) {
        for (Workload w : values()) {
            if (w.name().equalsIgnoreCase(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("--workload must be unique or register, got '" + name + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
