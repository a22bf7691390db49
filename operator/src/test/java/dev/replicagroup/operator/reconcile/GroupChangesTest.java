package dev.replicagroup.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupChangesTest {
    private final GroupChanges filter = new GroupChanges();

    private static ReplicaGroup group(long generation, Map<String, String> annotations, Phase phase) {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(new ObjectMetaBuilder()
                .withName("g")
                .withGeneration(generation)
                .withAnnotations(annotations)
                .build());
        group.setStatus(new ReplicaGroupStatus());
        group.getStatus().setPhase(phase);
        return group;
    }

    @Test
    void aStatusOnlyUpdateStartsNoPass() {
        assertFalse(filter.accept(group(1, Map.of(), Phase.Running), group(1, Map.of(), Phase.Pending)));
    }

    @Test
    void aNewSpecOrAnAnnotationDoes() {
        assertTrue(filter.accept(group(2, Map.of(), Phase.Running), group(1, Map.of(), Phase.Running)));
        assertTrue(filter.accept(
                group(1, Map.of("replicagroup.dev/promote", "g-1"), Phase.Running), group(1, Map.of(), Phase.Running)));
    }

    @Test
    void aDeletionDoes() {
        ReplicaGroup deleting = group(1, Map.of(), Phase.Running);
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        assertTrue(filter.accept(deleting, group(1, Map.of(), Phase.Running)));
    }
}
