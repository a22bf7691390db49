package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One fault under load and everything that must follow: a new Promoted event, a new primary in a higher
 * term, the Service repointed to it alone, the load writing again, no acknowledged write lost, the group
 * healed back to all replicas Ready, never two live primaries. The fault-to-first-write time is recorded.
 */
public final class FailoverCheck {
    /** How long the load runs before the fault and after the repoint: enough writes on both sides to count. */
    static final Duration STEADY = Duration.ofSeconds(5);
    static final Duration FAILOVER = Duration.ofMinutes(3);
    static final int CLIENTS = 4;

    /** What the test does to the primary, and what it undoes once the failover is over (SIGCONT). */
    public interface Fault {
        void inject(Deployed deployed, String primary) throws Exception;

        default void afterFailover() {
        }
    }

    private FailoverCheck() {
    }

    /** A new Promoted event naming the new primary, which serves in a higher term behind the Service alone. */
    private static GroupStatus awaitFailover(Group group, String scenario, String old, GroupStatus before,
            Set<String> earlierEvents) {
        Event promoted = group.awaitNewEvent("Promoted", earlierEvents, m -> true, FAILOVER);
        GroupStatus after = Group.await("a new primary in a higher term behind the Service", FAILOVER).until(group::status,
                s -> s.currentPrimary() != null && !s.currentPrimary().equals(old) && s.term() > before.term()
                        && group.primaryEndpointIs(s.currentPrimary()));
        assertTrue(promoted.getMessage().contains(after.currentPrimary()),
                "the Promoted event names the new primary " + after.currentPrimary() + ": " + promoted.getMessage());
        System.out.println("e2e: " + scenario + ": " + promoted.getReason() + ": " + promoted.getMessage());
        return after;
    }

    /** The operator's own timestamps of the failover (second precision), for the record. */
    public static String lastFailover(Group group) {
        Object status = group.resource().getAdditionalProperties().get("status");
        return status instanceof java.util.Map<?, ?> m ? String.valueOf(m.get("lastFailover")) : "?";
    }

    public static GroupStatus run(TestNamespace ns, Deployed deployed, String scenario, Fault fault) throws Exception {
        Group group = deployed.group();
        GroupStatus before = deployed.status();
        String old = before.currentPrimary();
        Set<String> earlierEvents = group.eventUids();
        long faultAt;
        long repointedAt = Long.MAX_VALUE;
        GroupStatus after = null;
        AssertionError failoverFailed = null;
        LoadRun.Result result;
        try (PrimaryLabelMonitor monitor = new PrimaryLabelMonitor(ns, group);
             LoadRun load = LoadRun.start(group.primaryServiceAddress(), CLIENTS)) {
            Thread.sleep(STEADY.toMillis());
            faultAt = System.nanoTime();
            fault.inject(deployed, old);
            try {
                after = awaitFailover(group, scenario, old, before, earlierEvents);
                repointedAt = System.nanoTime();
                Thread.sleep(STEADY.toMillis());
            } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
                // Still check the data below: a failover that did not happen may also have lost writes.
                failoverFailed = e instanceof AssertionError a ? a : new AssertionError(e.getMessage(), e);
            } finally {
                fault.afterFailover();
            }
            result = load.stop();
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            assertEquals(List.of(), monitor.twoPrimaries(), "never two live pods labelled primary");
        }
        if (failoverFailed != null) {
            throw failoverFailed;
        }
        assertTrue(result.acknowledgedBetween(0, faultAt) > 0, "the load was writing before the fault");
        assertTrue(result.acknowledgedBetween(repointedAt, Long.MAX_VALUE) > 0, "the load resumed after the repoint");
        Recovery recovery = result.recoveryAfter(faultAt);
        assertTrue(recovery.recovered(), "a write was acknowledged after the fault");
        FailoverTimes.record(scenario, recovery, old, after.currentPrimary(), after.term(), lastFailover(group));

        GroupStatus healed = group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Deployed.SETTLE);
        assertEquals(after.currentPrimary(), healed.currentPrimary(), "the group healed around the new primary");
        assertNotEquals(old, healed.currentPrimary());
        return healed;
    }
}
