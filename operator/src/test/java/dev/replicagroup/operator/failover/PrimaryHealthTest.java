package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.notReadySince;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.reconcile.PodView;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrimaryHealthTest {
    private final FailoverSpec spec = spec(5, 30);

    static FailoverSpec spec(int delay, int cooldown) {
        FailoverSpec spec = new FailoverSpec();
        spec.setDelaySeconds(delay);
        spec.setCooldownSeconds(cooldown);
        return spec;
    }

    private PrimaryHealth.Verdict assess(Optional<PodView> pod, boolean served) {
        return PrimaryHealth.assess("demo-0", pod, served, spec, NOW, Optional.empty());
    }

    @Test
    void aDeletedPrimaryIsGoneAtOnce() {
        assertEquals(new PrimaryHealth.Gone("primary pod demo-0 no longer exists"), assess(Optional.empty(), true));
        assertInstanceOf(PrimaryHealth.Gone.class, assess(Optional.of(terminating(0, "primary")), true));
    }

    @Test
    void aReadyPrimaryIsHealthy() {
        assertInstanceOf(PrimaryHealth.Healthy.class, assess(Optional.of(pod(0, "primary", true)), true));
    }

    @Test
    void notReadyForLessThanTheDelayWaits() {
        var verdict = assess(Optional.of(notReadySince(0, "primary", NOW.minusSeconds(4))), true);
        assertInstanceOf(PrimaryHealth.Waiting.class, verdict);
    }

    @Test
    void notReadyForLongerThanTheDelayIsGone() {
        var verdict = assess(Optional.of(notReadySince(0, "primary", NOW.minusSeconds(6))), true);
        assertEquals(new PrimaryHealth.Gone("primary pod demo-0 NotReady for 6s"), verdict);
    }

    @Test
    void aPrimaryThatNeverServedIsStartingNotFailed() {
        var verdict = assess(Optional.of(notReadySince(0, "primary", NOW.minusSeconds(600))), false);
        assertInstanceOf(PrimaryHealth.Waiting.class, verdict);
    }

    @Test
    void theCooldownHoldsBackANotReadyFailoverButNotADeletion() {
        Optional<java.time.Instant> justFailedOver = Optional.of(NOW.minusSeconds(10));
        var notReady = PrimaryHealth.assess("demo-0", Optional.of(notReadySince(0, "primary", NOW.minusSeconds(8))),
                true, spec, NOW, justFailedOver);
        assertInstanceOf(PrimaryHealth.Waiting.class, notReady);
        var deleted = PrimaryHealth.assess("demo-0", Optional.empty(), true, spec, NOW, justFailedOver);
        assertInstanceOf(PrimaryHealth.Gone.class, deleted);
        var later = PrimaryHealth.assess("demo-0", Optional.of(notReadySince(0, "primary", NOW.minusSeconds(8))),
                true, spec, NOW, Optional.of(NOW.minusSeconds(31)));
        assertInstanceOf(PrimaryHealth.Gone.class, later);
    }
}
