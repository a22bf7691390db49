package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.TlsSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The pod template's revision: every input of the pod moves it, what differs between members does not. */
class PodRevisionTest {
    private static final String IMAGE = "replicagroup/replica:1";

    private static String revision(Consumer<ReplicaGroup> change) {
        ReplicaGroup group = ReplicaPodsTest.group();
        change.accept(group);
        return ReplicaPods.revision(group, IMAGE);
    }

    private static final String BEFORE = revision(g -> {});

    @Test
    void isStableAndShortEnoughForALabel() {
        assertEquals(BEFORE, revision(g -> {}));
        assertTrue(BEFORE.matches("[0-9a-f]{10}"), BEFORE);
    }

    @Test
    void everyPodMemberOfTheGroupCarriesTheSameRevisionWhateverItsOrdinalOrRole() {
        ReplicaGroup group = ReplicaPodsTest.group();
        assertEquals(
                BEFORE,
                ReplicaPods.build(group, 0, new ReplicaPods.Start.Bootstrap(), IMAGE)
                        .getMetadata()
                        .getLabels()
                        .get(Labels.REVISION));
        assertEquals(
                BEFORE,
                ReplicaPods.build(group, 4, new ReplicaPods.Start.Join("10.0.0.1:7000"), IMAGE)
                        .getMetadata()
                        .getLabels()
                        .get(Labels.REVISION));
    }

    @Test
    void changesWithEachInputOfThePodTemplate() {
        assertNotEquals(BEFORE, revision(g -> g.getSpec().setImage("replicagroup/replica:2")));
        assertNotEquals(BEFORE, revision(g -> g.getSpec().setImagePullPolicy("Always")));
        assertNotEquals(BEFORE, revision(g -> g.getSpec().setSyncAcks(2)));
        assertNotEquals(
                BEFORE,
                revision(g -> g.getSpec()
                        .setResources(new ResourceRequirementsBuilder()
                                .addToRequests("memory", new Quantity("256Mi"))
                                .build())));
        assertNotEquals(BEFORE, revision(g -> g.getSpec().getReadinessProbe().setPeriodSeconds(2)));
        assertNotEquals(BEFORE, revision(g -> g.getSpec().getFailover().setLeaseMillis(600)));
        assertNotEquals(BEFORE, revision(g -> g.getSpec().setNodeSelector(Map.of("disk", "ssd"))));
        // Turning TLS on, or moving it to another Secret, goes through the rolling update.
        String tls = revision(g -> g.getSpec().setTls(ReplicaPodsTest.tls(null)));
        assertNotEquals(BEFORE, tls);
        assertNotEquals(tls, revision(g -> g.getSpec().setTls(ReplicaPodsTest.tls("demo-certs"))));
        // The operator's default image is an input too: a new operator release rolls groups that name none.
        assertNotEquals(BEFORE, ReplicaPods.revision(ReplicaPodsTest.group(), "replicagroup/replica:2"));
    }

    /**
     * A group without TLS has the revision it had before spec.tls existed (pinned from the operator before it):
     * upgrading the operator must not roll every group. Such a group's stored spec holds the defaults of its day
     * (the API server wrote them at admission), detectionMillis 1000 among them; only new groups get 800.
     */
    @Test
    void withoutTlsThePodTemplateIsTheOneBeforeTlsExisted() {
        Consumer<ReplicaGroup> stored = g -> g.getSpec().getFailover().setDetectionMillis(1000);
        String before = revision(stored);
        assertEquals("67366d954e", before);
        ReplicaGroup withStorage = ReplicaPodsTest.withStorage();
        stored.accept(withStorage);
        assertEquals("6299c61d77", ReplicaPods.revision(withStorage, IMAGE));
        TlsSpec off = ReplicaPodsTest.tls(null);
        off.setEnabled(false);
        assertEquals(before, revision(stored.andThen(g -> g.getSpec().setTls(off))));
    }

    @Test
    void doesNotChangeWithWhatIsNotInThePod() {
        assertEquals(BEFORE, revision(g -> g.getSpec().setReplicas(5)));
        assertEquals(BEFORE, revision(g -> g.getSpec().getFailover().setDelaySeconds(9)));
        assertEquals(BEFORE, revision(g -> g.getSpec().setUpdateStrategy("OnDelete")));
        assertEquals(
                BEFORE, revision(g -> g.getMetadata().setAnnotations(Map.of(Labels.PROMOTE_ANNOTATION, "demo-1"))));
    }

    @Test
    void theOrderOfMapKeysInTheSpecDoesNotMatter() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertEquals(
                revision(g -> g.getSpec().setNodeSelector(ab)),
                revision(g -> g.getSpec().setNodeSelector(ba)));
    }
}
