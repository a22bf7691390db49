package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaResourcesTest {
    @Test
    void aGroupWithoutResourcesRequestsTheDefaultsSoItsReplicasAreNotBestEffort() {
        ResourceRequirements r = ReplicaResources.of(null);
        assertEquals(
                Map.of("cpu", ReplicaResources.DEFAULT_CPU, "memory", ReplicaResources.DEFAULT_MEMORY),
                r.getRequests());
        assertEquals(Map.of(), r.getLimits() == null ? Map.of() : r.getLimits());
    }

    @Test
    void whatTheUserRequestsIsKeptAndOnlyWhatIsMissingIsFilledIn() {
        ResourceRequirements r = ReplicaResources.of(new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("1Gi"))
                .addToLimits("memory", new Quantity("1Gi"))
                .build());
        assertEquals(new Quantity("1Gi"), r.getRequests().get("memory"));
        assertEquals(ReplicaResources.DEFAULT_CPU, r.getRequests().get("cpu"));
        assertEquals(Map.of("memory", new Quantity("1Gi")), r.getLimits());
    }

    @Test
    void aLimitWithoutARequestGetsNoDefaultRequestBecauseKubernetesSetsTheRequestToTheLimit() {
        ResourceRequirements r = ReplicaResources.of(new ResourceRequirementsBuilder()
                .addToLimits("cpu", new Quantity("2"))
                .addToLimits("memory", new Quantity("512Mi"))
                .build());
        assertEquals(Map.of(), r.getRequests());
    }

    @Test
    void theGivenRequirementsAreNotChanged() {
        ResourceRequirements given = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("1"))
                .build();
        ReplicaResources.of(given);
        assertEquals(Map.of("cpu", new Quantity("1")), given.getRequests());
    }
}
