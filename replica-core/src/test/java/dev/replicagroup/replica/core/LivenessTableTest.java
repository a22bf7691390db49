package dev.replicagroup.replica.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LivenessTableTest {
    @Test
    void successAddsOneUpToTheCapAndFailureHalves() {
        LivenessTable table = new LivenessTable();
        for (int i = 0; i < 150; i++) {
            table.success("a");
        }
        assertEquals(LivenessTable.MAX, table.of("a"));
        table.failure("a");
        assertEquals(50, table.of("a"));
        table.failure("b");
        assertEquals(0, table.of("b"));
        assertEquals("a", table.sorted().get(0).getKey());
    }
}
