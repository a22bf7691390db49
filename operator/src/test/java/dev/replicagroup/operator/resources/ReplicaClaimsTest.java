package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaClaimsTest {

    @Test
    void aMembersClaimIsNamedForItsPodLabelledAndOwnedByTheGroup() {
        PersistentVolumeClaim claim = ReplicaClaims.build(ReplicaPodsTest.withStorage(), "demo-2");
        assertEquals("demo-2-data", claim.getMetadata().getName());
        assertEquals("ns", claim.getMetadata().getNamespace());
        assertEquals("demo", claim.getMetadata().getLabels().get(Labels.GROUP));
        assertEquals("demo", claim.getMetadata().getLabels().get("app.kubernetes.io/instance"));
        assertEquals("data", claim.getMetadata().getLabels().get("app.kubernetes.io/component"));
        assertEquals(Labels.OPERATOR, claim.getMetadata().getLabels().get(Labels.MANAGED_BY));
        assertEquals("u-1", claim.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes());
        assertEquals(
                new Quantity("1Gi"),
                claim.getSpec().getResources().getRequests().get("storage"));
        // No class named: the cluster's default class fills it in.
        assertNull(claim.getSpec().getStorageClassName());
    }

    @Test
    void aRetainedClaimHasNoOwnerSoItOutlivesTheGroup() {
        ReplicaGroup group = ReplicaPodsTest.withStorage();
        group.getSpec().getStorage().setRetainOnDelete(true);
        group.getSpec().getStorage().setStorageClassName("fast");
        PersistentVolumeClaim claim = ReplicaClaims.build(group, "demo-0");
        assertTrue(claim.getMetadata().getOwnerReferences().isEmpty());
        assertEquals("fast", claim.getSpec().getStorageClassName());
    }

    @Test
    void aClaimsNameLeadsBackToItsPod() {
        assertEquals("demo-3", Names.claimPod(Names.claim("demo-3")).orElseThrow());
        assertTrue(Names.claimPod("other").isEmpty());
    }
}
