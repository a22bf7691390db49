package dev.replicagroup.operator.scaling;

import static dev.replicagroup.operator.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalePlanTest {

    @Test
    void newPodsTakeTheLowestFreeOrdinal() {
        assertEquals(0, ScalePlan.nextOrdinal(List.of()));
        assertEquals(1, ScalePlan.nextOrdinal(List.of(pod(0, "primary", true), pod(2, "helper", true))));
        assertEquals(
                3,
                ScalePlan.nextOrdinal(
                        List.of(pod(0, "helper", true), pod(1, "primary", true), pod(2, "helper", true))));
    }

    @Test
    void scaleDownNeverRemovesThePrimary() {
        assertEquals(Optional.empty(), ScalePlan.toRemove(List.of(pod(2, "primary", true)), "demo-2", Map.of()));
        var removed = ScalePlan.toRemove(
                List.of(pod(0, "helper", true), pod(1, "helper", true), pod(2, "primary", true)), "demo-2", Map.of());
        assertEquals("demo-1", removed.orElseThrow().name());
    }

    @Test
    void scaleDownRemovesANotReadyHelperFirstThenTheLeastLive() {
        var pods = List.of(
                pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true), pod(3, "helper", false));
        assertEquals(
                "demo-3",
                ScalePlan.toRemove(pods, "demo-0", Map.of("demo-3", 100))
                        .orElseThrow()
                        .name());
        var allReady = List.of(pod(0, "primary", true), pod(1, "helper", true), pod(2, "helper", true));
        assertEquals(
                "demo-1",
                ScalePlan.toRemove(allReady, "demo-0", Map.of("demo-1", 2, "demo-2", 8))
                        .orElseThrow()
                        .name());
    }
}
