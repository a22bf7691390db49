package dev.replicagroup.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.StorageSpec;
import dev.replicagroup.operator.resources.ReplicaClaims;
import dev.replicagroup.operator.resources.ReplicaPods;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoragePlanTest {
    private static ReplicaGroup group(String size) {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(new ObjectMetaBuilder()
                .withName("demo")
                .withNamespace("ns")
                .withUid("u-1")
                .build());
        group.setSpec(new ReplicaGroupSpec());
        if (size != null) {
            StorageSpec storage = new StorageSpec();
            storage.setSize(size);
            group.getSpec().setStorage(storage);
        }
        return group;
    }

    private static Pod pod(ReplicaGroup group, int ordinal) {
        return ReplicaPods.build(group, ordinal, new ReplicaPods.Start.Bootstrap(), "img:1");
    }

    private static PersistentVolumeClaim claim(String pod, String size) {
        return ReplicaClaims.build(group(size), pod);
    }

    @Test
    void storageCannotBeAddedToAGroupWhosePodsKeepTheirDataInMemory() {
        Optional<String> problem = StoragePlan.problem(group("1Gi").getSpec(), List.of(pod(group(null), 0)), List.of());
        assertTrue(problem.orElseThrow().contains("storage cannot be added"), problem.toString());
        assertTrue(problem.orElseThrow().contains("demo-0"));
    }

    @Test
    void storageCannotBeRemovedFromAGroupWhosePodsKeepTheirDataOnVolumes() {
        Optional<String> problem = StoragePlan.problem(group(null).getSpec(), List.of(pod(group("1Gi"), 0)), List.of());
        assertTrue(problem.orElseThrow().contains("storage cannot be removed"), problem.toString());
    }

    @Test
    void aSmallerSizeThanAVolumeHasIsRefused() {
        Optional<String> problem = StoragePlan.problem(
                group("1Gi").getSpec(), List.of(pod(group("1Gi"), 0)), List.of(claim("demo-0", "2Gi")));
        assertTrue(problem.orElseThrow().contains("cannot shrink"), problem.toString());
        assertTrue(problem.orElseThrow().contains("at least 2Gi"));
        // 1024Mi is 1Gi: the same size, written otherwise.
        assertEquals(
                Optional.empty(),
                StoragePlan.problem(group("1024Mi").getSpec(), List.of(), List.of(claim("demo-0", "1Gi"))));
    }

    @Test
    void aLargerSizeGrowsTheClaimsThatAskForLess() {
        List<PersistentVolumeClaim> claims = List.of(claim("demo-1", "1Gi"), claim("demo-0", "2Gi"));
        List<PersistentVolumeClaim> grow = StoragePlan.toGrow(group("2Gi").getSpec(), claims);
        assertEquals(1, grow.size());
        assertEquals("demo-1-data", grow.get(0).getMetadata().getName());
        assertEquals(new Quantity("1Gi"), ReplicaClaims.requested(grow.get(0)).orElseThrow());
        assertEquals(List.of(), StoragePlan.toGrow(group(null).getSpec(), claims));
    }

    private static PersistentVolumeClaim claim(String pod, String size, String storageClass) {
        PersistentVolumeClaim claim = claim(pod, size);
        claim.getSpec().setStorageClassName(storageClass);
        return claim;
    }

    @Test
    void aVolumeGrowsOnlyWhenItsStorageClassAllowsExpansionAndTheOthersAreNamed() {
        List<PersistentVolumeClaim> claims = List.of(
                claim("demo-0", "1Gi", "expandable"),
                claim("demo-1", "1Gi", "fixed"),
                claim("demo-2", "1Gi", "gone"),
                claim("demo-3", "1Gi", null),
                claim("demo-4", "2Gi", "fixed"));
        StoragePlan.Resize resize = StoragePlan.resize(group("2Gi").getSpec(), claims, name -> switch (name) {
            case "expandable" -> Optional.of(true);
            case "fixed" -> Optional.of(false);
            default -> Optional.empty();
        });
        assertEquals(
                List.of("demo-0-data"),
                resize.grow().stream().map(c -> c.getMetadata().getName()).toList());
        assertEquals(
                List.of(
                        "demo-1-data (StorageClass fixed has no allowVolumeExpansion)",
                        "demo-2-data (StorageClass gone not found)",
                        "demo-3-data (no StorageClass)"),
                resize.refused());
        // Nothing asks for less: nothing to grow, no class read.
        assertEquals(
                new StoragePlan.Resize(List.of(), List.of()),
                StoragePlan.resize(group("1Gi").getSpec(), List.of(claim("demo-0", "1Gi", "fixed")), name -> {
                    throw new AssertionError("read " + name);
                }));
    }
}
