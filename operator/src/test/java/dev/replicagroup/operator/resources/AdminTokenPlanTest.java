package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminTokenPlanTest {
    @Test
    void theSecretsTokenIsUsedWhateverWasSeenBefore() {
        assertEquals(
                new AdminTokenPlan.Use("now"), AdminTokenPlan.decide(Optional.of("now"), Optional.of("before"), true));
        assertEquals(Optional.of("now"), new AdminTokenPlan.Use("now").usable());
    }

    @Test
    void aNewGroupGetsANewToken() {
        assertEquals(new AdminTokenPlan.CreateNew(), AdminTokenPlan.decide(Optional.empty(), Optional.empty(), false));
        assertEquals(Optional.empty(), new AdminTokenPlan.CreateNew().usable());
    }

    @Test
    void aDeletedSecretIsPutBackWithTheTokenLastSeen() {
        AdminTokenPlan plan = AdminTokenPlan.decide(Optional.empty(), Optional.of("held"), true);
        assertEquals(new AdminTokenPlan.Restore("held"), plan);
        assertEquals(Optional.of("held"), plan.usable());
    }

    @Test
    void noTokenIsInventedWhileReplicasRunWithAnUnknownOne() {
        AdminTokenPlan plan = AdminTokenPlan.decide(Optional.empty(), Optional.empty(), true);
        assertEquals(new AdminTokenPlan.Lost(), plan);
        assertEquals(Optional.empty(), plan.usable());
    }
}
