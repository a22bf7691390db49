package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fault under a load of writes and reads, and everything that must follow: a new Promoted event, a new
 * primary in a higher term, the Service repointed to it alone, the load writing again within
 * {@link Settings#FAULT_TO_WRITE_CEILING} (or the test's own ceiling), no acknowledged write lost, no stale read, never two live pods labelled
 * primary nor two pods serving as primary, the group healed back to all replicas Ready. The times (fault to first
 * write, the operator's steps) are recorded. With -De2e.repeat=N the fault is repeated N times on the same group.
 */
public final class FailoverCheck {

    /** What the test does to the primary, and what it undoes once the failover is over (SIGCONT, a partition lifted). */
    public interface Fault {
        /** Before the load starts and the fault's clock does: what the fault needs in place. */
        default void prepare(Deployed deployed) throws Exception {}

        void inject(Deployed deployed, String primary) throws Exception;

        default void afterFailover() {}
    }

    private FailoverCheck() {}

    /** A new Promoted event naming the new primary, which serves in a higher term behind the Service alone. */
    private static GroupStatus awaitFailover(
            Group group, String scenario, String old, GroupStatus before, Set<String> earlierEvents) {
        Event promoted = group.awaitNewEvent("Promoted", earlierEvents, m -> true, Settings.FAILOVER_WAIT);
        GroupStatus after = Group.await("a new primary in a higher term behind the Service", Settings.FAILOVER_WAIT)
                .until(
                        group::status,
                        s -> s.currentPrimary() != null
                                && !s.currentPrimary().equals(old)
                                && s.term() > before.term()
                                && group.primaryEndpointIs(s.currentPrimary()));
        assertTrue(
                promoted.getMessage().contains(after.currentPrimary()),
                "the Promoted event names the new primary " + after.currentPrimary() + ": " + promoted.getMessage());
        System.out.println("e2e: " + scenario + ": " + promoted.getReason() + ": " + promoted.getMessage());
        return after;
    }

    /** The fault {@link Settings#repeats()} times, each on the group as the previous one left it; the last healed status. */
    public static GroupStatus run(TestNamespace ns, Deployed deployed, String scenario, Fault fault) throws Exception {
        return run(ns, deployed, scenario, Settings.FAULT_TO_WRITE_CEILING, fault);
    }

    /** With a ceiling of its own on fault → first write (a fault the goals give longer). */
    public static GroupStatus run(TestNamespace ns, Deployed deployed, String scenario, Duration ceiling, Fault fault)
            throws Exception {
        GroupStatus status = deployed.status();
        for (int i = 0; i < Settings.repeats(); i++) {
            status = once(ns, new Deployed(deployed.operator(), deployed.group(), status), scenario, ceiling, fault)
                    .healed();
        }
        return status;
    }

    /** What one fault showed: the group healed after it, how long the clients waited, the writes acknowledged. */
    public record Outcome(GroupStatus healed, Recovery recovery, Map<String, String> acknowledged) {}

    /**
     * The fault once, on the group as {@code deployed} says it is. An AssertionError is a failed check (a lost
     * write, two primaries, no failover); a ConditionTimeoutException is the group not healing afterwards.
     */
    public static Outcome once(TestNamespace ns, Deployed deployed, String scenario, Duration ceiling, Fault fault)
            throws Exception {
        Group group = deployed.group();
        fault.prepare(deployed);
        GroupStatus before = deployed.status();
        String old = before.currentPrimary();
        Set<String> earlierEvents = group.seenEvents();
        long faultAt;
        Instant faultWall;
        long repointedAt = Long.MAX_VALUE;
        GroupStatus after = null;
        AssertionError failoverFailed = null;
        LoadRun.Result result;
        try (PrimaryLabelMonitor labels = new PrimaryLabelMonitor(ns, group);
                ServingMonitor serving = new ServingMonitor(group);
                LoadRun load = LoadRun.start(group.primaryServiceAddress(), Settings.LOAD_CLIENTS)) {
            Thread.sleep(Settings.STEADY.toMillis());
            faultAt = System.nanoTime();
            faultWall = Instant.now();
            fault.inject(deployed, old);
            try {
                after = awaitFailover(group, scenario, old, before, earlierEvents);
                repointedAt = System.nanoTime();
                Thread.sleep(Settings.STEADY.toMillis());
            } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
                // Still check the data below: a failover that did not happen may also have lost writes.
                failoverFailed = e instanceof AssertionError a ? a : new AssertionError(e.getMessage(), e);
            } finally {
                fault.afterFailover();
            }
            result = load.stop();
            assertSafe(load, result, labels, serving);
        }
        if (failoverFailed != null) {
            throw failoverFailed;
        }
        assertTrue(result.acknowledgedBetween(0, faultAt) > 0, "the load was writing before the fault");
        assertTrue(result.acknowledgedBetween(repointedAt, Long.MAX_VALUE) > 0, "the load resumed after the repoint");
        assertTrue(
                result.report().reads() > 0,
                "the load read as well: " + result.report().summary());
        Recovery recovery = result.recoveryAfter(faultAt);
        assertTrue(recovery.recovered(), "a write was acknowledged after the fault");
        FailoverTimes.record(
                scenario, recovery, old, after.currentPrimary(), after.term(), FailoverSteps.of(group, faultWall, old));
        assertTrue(
                recovery.faultToFirstWrite().compareTo(ceiling) <= 0,
                scenario + ": fault to first acknowledged write "
                        + recovery.faultToFirstWrite().toMillis() + " ms, above the ceiling of " + ceiling.toMillis()
                        + " ms");

        GroupStatus healed = group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Settings.SETTLE);
        assertEquals(after.currentPrimary(), healed.currentPrimary(), "the group healed around the new primary");
        assertNotEquals(old, healed.currentPrimary());
        return new Outcome(healed, recovery, result.report().acknowledged());
    }

    /**
     * What every run through a fault or a change must show: no acknowledged write lost, no stale read, a
     * linearizable history, never two primaries by label or by serving, and a primary seen serving.
     */
    public static void assertSafe(
            LoadRun load, LoadRun.Result result, PrimaryLabelMonitor labels, ServingMonitor serving) throws Exception {
        LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
        LoadRun.assertNoStaleRead(result);
        load.assertLinearizable();
        assertEquals(List.of(), labels.twoPrimaries(), "never two live pods labelled primary");
        assertEquals(List.of(), serving.twoServing(), "never two pods serving as primary");
        assertTrue(serving.stretches() > 0, "the serving monitor saw a primary serving");
    }
}
