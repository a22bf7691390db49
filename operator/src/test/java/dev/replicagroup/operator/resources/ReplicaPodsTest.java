package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaPodsTest {
    static ReplicaGroup group() {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(new ObjectMetaBuilder()
                .withName("demo")
                .withNamespace("ns")
                .withUid("u-1")
                .build());
        group.setSpec(new ReplicaGroupSpec());
        return group;
    }

    @Test
    void aHelperIsStartedWithTheCurrentPrimaryAsTbc() {
        Pod pod = ReplicaPods.build(group(), 2, Labels.HELPER, Optional.of("10.0.0.1:7000"), "img:1");
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        assertEquals("demo-2", pod.getMetadata().getName());
        assertEquals("10.0.0.1:7000", args.get(args.indexOf("--tbc") + 1));
        assertEquals("1", args.get(args.indexOf("--sync-acks") + 1));
        assertEquals(
                List.of("100", "500", "1000", "200"),
                List.of(
                        args.get(args.indexOf("--heartbeat-ms") + 1),
                        args.get(args.indexOf("--lease-ms") + 1),
                        args.get(args.indexOf("--detection-ms") + 1),
                        args.get(args.indexOf("--clock-drift-ms") + 1)));
        assertEquals("helper", pod.getMetadata().getLabels().get(Labels.ROLE));
        assertEquals("demo", pod.getMetadata().getLabels().get(Labels.GROUP));
        assertEquals("u-1", pod.getMetadata().getOwnerReferences().get(0).getUid());
    }

    @Test
    void theFirstPrimaryHasNoTbc() {
        Pod pod = ReplicaPods.build(group(), 0, Labels.PRIMARY, Optional.empty(), "img:1");
        assertFalse(pod.getSpec().getContainers().get(0).getArgs().contains("--tbc"));
        // so its container must never be restarted in place: it would come back as an empty primary
        assertEquals("Never", pod.getSpec().getRestartPolicy());
        assertEquals("img:1", pod.getSpec().getContainers().get(0).getImage());
    }

    @Test
    void podsAreLockedDown() {
        Pod pod = ReplicaPods.build(group(), 0, Labels.PRIMARY, Optional.empty(), "img:1");
        var podSecurity = pod.getSpec().getSecurityContext();
        var container = pod.getSpec().getContainers().get(0).getSecurityContext();
        assertTrue(podSecurity.getRunAsNonRoot());
        assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType());
        assertTrue(container.getReadOnlyRootFilesystem());
        assertFalse(container.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getCapabilities().getDrop());
        assertEquals(
                7000,
                pod.getSpec()
                        .getContainers()
                        .get(0)
                        .getReadinessProbe()
                        .getGrpc()
                        .getPort());
        assertEquals(
                "kubernetes.io/hostname",
                pod.getSpec()
                        .getAffinity()
                        .getPodAntiAffinity()
                        .getPreferredDuringSchedulingIgnoredDuringExecution()
                        .get(0)
                        .getPodAffinityTerm()
                        .getTopologyKey());
    }

    @Test
    void theAddressComesFromThePodIpAndItsGrpcPort() {
        Pod pod = ReplicaPods.build(group(), 0, Labels.PRIMARY, Optional.empty(), "img:1");
        assertEquals(Optional.empty(), ReplicaPods.address(pod));
        pod.setStatus(new PodStatusBuilder().withPodIP("127.0.0.1").build());
        pod.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(41234);
        assertEquals(Optional.of("127.0.0.1:41234"), ReplicaPods.address(pod));
    }
}
