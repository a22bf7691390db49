package dev.replicagroup.operator.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.TlsSpec;
import dev.replicagroup.operator.resources.ReplicaPods;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsPlanTest {
    private static ReplicaGroup group(boolean tls, String secretName) {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(new ObjectMetaBuilder()
                .withName("demo")
                .withNamespace("ns")
                .withUid("u-1")
                .build());
        group.setSpec(new ReplicaGroupSpec());
        if (tls) {
            TlsSpec spec = new TlsSpec();
            spec.setEnabled(true);
            spec.setSecretName(secretName);
            group.getSpec().setTls(spec);
        }
        return group;
    }

    private static List<Pod> pods(ReplicaGroup group) {
        return List.of(
                ReplicaPods.build(group, 0, new ReplicaPods.Start.Bootstrap(), "img:1"),
                ReplicaPods.build(group, 1, new ReplicaPods.Start.Join("10.0.0.1:7000"), "img:1"));
    }

    @Test
    void podsBuiltWithTheGroupsSettingAreFine() {
        assertEquals(Optional.empty(), TlsPlan.problem(group(false, null).getSpec(), pods(group(false, null))));
        assertEquals(Optional.empty(), TlsPlan.problem(group(true, null).getSpec(), pods(group(true, null))));
        // Another Secret is a template change the rolling update carries out (pods of both trust the CA they share).
        assertEquals(Optional.empty(), TlsPlan.problem(group(true, "mine").getSpec(), pods(group(true, null))));
    }

    @Test
    void tlsTurnedOnOrOffInARunningGroupIsRefusedNamingThePods() {
        String on = TlsPlan.problem(group(true, null).getSpec(), pods(group(false, null)))
                .orElseThrow();
        assertTrue(on.contains("cannot be turned on") && on.contains("demo-0, demo-1"), on);
        String off = TlsPlan.problem(group(false, null).getSpec(), pods(group(true, null)))
                .orElseThrow();
        assertTrue(off.contains("cannot be turned off") && off.contains("set tls.enabled back to true"), off);
    }
}
