package dev.replicagroup.operator.reconcile;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.operator.crd.Conditions;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.observed.Observation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusSummaryTest {
    private static ReplicaGroup group() {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(
                new ObjectMetaBuilder().withName("demo").withGeneration(1L).build());
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setReplicas(1);
        spec.setSyncAcks(0);
        group.setSpec(spec);
        group.setStatus(new ReplicaGroupStatus());
        group.getStatus().setCurrentPrimary("demo-0");
        return group;
    }

    @Test
    void aGroupThatLostItsDataSaysSoUntilItsNewPrimaryServesAndTheConditionStays() {
        ReplicaGroup group = group();
        Conditions.set(group.getStatus(), StatusSummary.DATA_LOST, true, "Reinitialized", "lost", 1, "t");
        StatusSummary.apply(
                group, new Observation(List.of(pod(0, "primary", false)), Map.of(), NOW), Optional.empty(), "s");
        assertEquals(Phase.Reinitialized, group.getStatus().getPhase());

        StatusSummary.apply(
                group, new Observation(List.of(pod(0, "primary", true)), Map.of(), NOW), Optional.empty(), "s");
        assertEquals(Phase.Running, group.getStatus().getPhase());
        assertEquals(
                "True",
                group.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals(StatusSummary.DATA_LOST))
                        .findFirst()
                        .orElseThrow()
                        .getStatus());
    }

    @Test
    void aNewGroupIsPending() {
        ReplicaGroup group = group();
        StatusSummary.apply(
                group, new Observation(List.of(pod(0, "primary", false)), Map.of(), NOW), Optional.empty(), "s");
        assertEquals(Phase.Pending, group.getStatus().getPhase());
    }

    @Test
    void readyCountsReadyPodsOfThoseWantedAsKubectlShowsThem() {
        ReplicaGroup group = group();
        group.getSpec().setReplicas(3);
        StatusSummary.apply(
                group,
                new Observation(List.of(pod(0, "primary", true), pod(1, "helper", false)), Map.of(), NOW),
                Optional.empty(),
                "s");
        assertEquals("1/3", group.getStatus().getReady());
    }
}
