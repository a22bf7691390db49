package dev.replicagroup.replica.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulations of the replica protocol ({@link Simulation}). {@code make verify} runs a bounded number of
 * seeds; {@code make sim} many more (-Dsim.seeds=N, -Dsim.first=S); one failing seed replays exactly with
 * -Dsim.first=SEED -Dsim.seeds=1.
 */
class SimulationTest {
    static final long FIRST = Long.getLong("sim.first", 1);
    static final int SEEDS = Integer.getInteger("sim.seeds", 200);
    static final long FAULT_MILLIS = Long.getLong("sim.fault-ms", 8_000);
    static final long CALM_MILLIS = 5_000;

    @Test
    void noSeedBreaksAnInvariant() {
        List<String> failures = new ArrayList<>();
        long writes = 0;
        long reads = 0;
        long helperReads = 0;
        long killedBeforePersist = 0;
        for (long seed = FIRST; seed < FIRST + SEEDS && failures.size() < 3; seed++) {
            if (Boolean.getBoolean("sim.trace")) {
                System.out.println("simulation seed " + seed);
            }
            Simulation simulation = new Simulation(seed);
            List<String> violations = simulation.run(FAULT_MILLIS, CALM_MILLIS);
            writes += simulation.history().writes();
            reads += simulation.history().reads();
            helperReads += simulation.history().helperReads();
            killedBeforePersist += simulation.primariesKilledBeforePersist();
            if (!violations.isEmpty()) {
                failures.add("seed " + seed + " (replay: -Dsim.first=" + seed + " -Dsim.seeds=1): " + violations.get(0)
                        + "\n" + simulation.story());
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(
                writes > SEEDS * 100L && reads > SEEDS * 50L,
                "the clients did work: " + writes + " writes, " + reads + " reads");
        assertTrue(helperReads > SEEDS * 5L, "helpers served bounded-staleness reads: " + helperReads);
        assertTrue(
                SEEDS < 50 || killedBeforePersist > SEEDS / 10,
                "primaries were killed after sending updates, before their fsync: " + killedBeforePersist);
    }

    @Test
    void aSeedReplaysExactly() {
        Simulation first = new Simulation(7);
        Simulation again = new Simulation(7);
        first.run(3_000, 2_000);
        again.run(3_000, 2_000);
        assertEquals(first.story(), again.story());
        assertEquals(first.history().acknowledged(), again.history().acknowledged());
    }
}
