package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A deleted admin-token Secret: the running replicas read their token at start, so the operator must put the same
 * one back, not invent one. The proof is a switchover afterwards, which needs Admin calls the replicas accept.
 */
@ExtendWith(TestNamespace.class)
class AdminTokenIT {
    @Test
    void aDeletedTokenSecretComesBackWithTheSameTokenAndTheGroupStaysManageable(TestNamespace ns) throws Exception {
        Operator.install(ns);
        Group group = Group.applySpec(ns, "tokened", "  replicas: 2\n  syncAcks: 1\n");
        GroupStatus settled = group.awaitSettled(2, Settings.SETTLE);
        String token = group.adminToken();
        Set<String> before = group.seenEvents();

        group.kubectl("delete", "secret", group.name() + "-admin-token");
        group.awaitNewEvent(
                "AdminTokenRestored", before, m -> m.contains(group.name() + "-admin-token"), Settings.SETTLE);
        // The event is recorded after the Secret was created.
        String restored = group.adminToken();
        assertEquals(token, restored, "the Secret holds the token the replicas hold");

        String target = group.pods().stream()
                .map(p -> p.getMetadata().getName())
                .filter(p -> !p.equals(settled.currentPrimary()))
                .findFirst()
                .orElseThrow();
        Set<String> beforeSwitch = group.seenEvents();
        group.kubectl("annotate", "rg", group.name(), "replicagroup.dev/promote=" + target);
        group.awaitNewEvent("SwitchoverCompleted", beforeSwitch, m -> m.contains(target), Settings.SETTLE);
        GroupStatus after = group.awaitSettled(2, Settings.SETTLE);
        assertEquals(target, after.currentPrimary());
        assertNotEquals(settled.term(), after.term());
    }
}
