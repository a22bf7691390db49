package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.contact;
import static dev.replicagroup.operator.Fixtures.notReadySince;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.Fixtures.status;
import static dev.replicagroup.operator.Fixtures.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrimaryHealthTest {
    /** Three replicas, syncAcks 1, term 3, and no helper reports anything. */
    private static final PrimaryHealth.HelperReports NO_REPORTS = reports(List.of());

    private final FailoverSpec spec = spec(5, 30);

    static FailoverSpec spec(int delay, int cooldown) {
        FailoverSpec spec = new FailoverSpec();
        spec.setDelaySeconds(delay);
        spec.setCooldownSeconds(cooldown);
        return spec;
    }

    private PrimaryHealth.Verdict assess(Optional<PodView> pod, boolean served) {
        return PrimaryHealth.assess("demo-0", pod, served, spec, NOW, Optional.empty(), NO_REPORTS);
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
        var notReady = PrimaryHealth.assess(
                "demo-0",
                Optional.of(notReadySince(0, "primary", NOW.minusSeconds(8))),
                true,
                spec,
                NOW,
                justFailedOver,
                NO_REPORTS);
        assertInstanceOf(PrimaryHealth.Waiting.class, notReady);
        var deleted = PrimaryHealth.assess("demo-0", Optional.empty(), true, spec, NOW, justFailedOver, NO_REPORTS);
        assertInstanceOf(PrimaryHealth.Gone.class, deleted);
        var later = PrimaryHealth.assess(
                "demo-0",
                Optional.of(notReadySince(0, "primary", NOW.minusSeconds(8))),
                true,
                spec,
                NOW,
                Optional.of(NOW.minusSeconds(31)),
                NO_REPORTS);
        assertInstanceOf(PrimaryHealth.Gone.class, later);
    }

    private static PrimaryHealth.HelperReports reports(List<NodeStatus> reports) {
        return new PrimaryHealth.HelperReports(3, 2, 1, reports);
    }

    private PrimaryHealth.Verdict assessReady(List<NodeStatus> reports, int helpers, int syncAcks) {
        return PrimaryHealth.assess(
                "demo-0",
                Optional.of(pod(0, "primary", true)),
                true,
                spec,
                NOW,
                Optional.of(NOW.minusSeconds(1)),
                new PrimaryHealth.HelperReports(3, helpers, syncAcks, reports));
    }

    @Test
    void aReadyPrimaryThatAQuorumOfHelpersLostIsGoneWithoutCooldown() {
        // Two helpers, syncAcks 1: both must have lost it (quorum 2 - 1 + 1); the last failover was 1 s ago.
        var bothLost = assessReady(List.of(contact(1, 3, 0, 1200, true), contact(2, 3, 0, 1500, true)), 2, 1);
        assertEquals(
                new PrimaryHealth.Gone("2 of 2 helpers have not heard from primary demo-0 within their detection"
                        + " timeout (2 needed)"),
                bothLost);
        var oneLost = assessReady(List.of(contact(1, 3, 0, 1200, true), contact(2, 3, 0, 40, false)), 2, 1);
        assertInstanceOf(PrimaryHealth.Healthy.class, oneLost);
    }

    @Test
    void theQuorumShrinksAsSyncAcksGrow() {
        // Four helpers, syncAcks 2: 4 - 2 + 1 = 3 must report; syncAcks 0 (async): every helper must.
        List<NodeStatus> three = List.of(
                contact(1, 3, 0, 1200, true),
                contact(2, 3, 0, 1200, true),
                contact(3, 3, 0, 1200, true),
                contact(4, 3, 0, 10, false));
        assertInstanceOf(PrimaryHealth.Gone.class, assessReady(three, 4, 2));
        assertInstanceOf(PrimaryHealth.Healthy.class, assessReady(three, 4, 0));
    }

    @Test
    void onlyReportsAboutThisPrimaryInTheStatusTermCount() {
        // demo-1 lost another primary (demo-5); demo-2 lost demo-0 but in an older term; the primary's own status.
        var unrelated = assessReady(
                List.of(contact(1, 3, 5, 1200, true), contact(2, 2, 0, 1200, true), status(0, Role.PRIMARY, 3, 9)),
                2,
                1);
        assertInstanceOf(PrimaryHealth.Healthy.class, unrelated);
    }

    @Test
    void aPauseShorterThanTheDetectionTimeoutIsNoSignal() {
        // A primary paused for 300 ms: its helpers see a contact age of 300 ms, not lost (detection is 800 ms).
        var paused = assessReady(List.of(contact(1, 3, 0, 300, false), contact(2, 3, 0, 300, false)), 2, 1);
        assertInstanceOf(PrimaryHealth.Healthy.class, paused);
    }

    @Test
    void withoutHelpersThereIsNoQuorumSignal() {
        assertInstanceOf(PrimaryHealth.Healthy.class, assessReady(List.of(), 0, 0));
    }
}
