package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverTimes;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.HostProcess;
import dev.replicagroup.e2e.support.LoadRun;
import dev.replicagroup.e2e.support.ServingMonitor;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A primary that stops for a moment (a long GC pause, a throttled CPU) is not a dead primary: paused for
 * Settings.PAUSE every Settings.PAUSE_EVERY for Settings.PAUSES_FOR under load, the group must not fail over at
 * all (same primary, same term, no FailoverStarted event), and the load loses nothing and reads nothing stale.
 */
@ExtendWith(TestNamespace.class)
class PauseIT {

    /** Settings.repeats() rounds (bench/k8s-failover.sh counts spurious failovers over many). */
    @Test
    void shortPausesOfThePrimaryCauseNoFailover(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        for (int i = 0; i < Settings.repeats(); i++) {
            pauseRound(deployed);
        }
    }

    private static void pauseRound(Deployed deployed) throws Exception {
        Group group = deployed.group();
        String primary = deployed.status().currentPrimary();
        Set<String> before = group.seenEvents();
        HostProcess process = HostProcess.of(group.pod(primary), "replica");
        int pauses = 0;
        LoadRun.Result result;
        try (ServingMonitor serving = new ServingMonitor(group);
                LoadRun load = LoadRun.start(group.primaryServiceAddress(), Settings.LOAD_CLIENTS)) {
            long end = System.nanoTime() + Settings.PAUSES_FOR.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(Settings.PAUSE_EVERY.toMillis() - Settings.PAUSE.toMillis());
                process.stop();
                try {
                    Thread.sleep(Settings.PAUSE.toMillis());
                } finally {
                    process.resume();
                }
                pauses++;
            }
            Thread.sleep(Settings.STEADY.toMillis());
            result = load.stop();
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
            load.assertLinearizable();
            assertEquals(List.of(), serving.twoServing(), "never two pods serving as primary");
        }
        GroupStatus after = group.status();
        List<String> started = group.events("FailoverStarted").stream()
                .filter(e -> Group.isNew(e, before))
                .map(e -> e.getMessage())
                .toList();
        FailoverTimes.recordPauses(
                pauses,
                started.size(),
                after.term() - deployed.status().term(),
                result.report().longestPause());
        assertEquals(List.of(), started, "no FailoverStarted event");
        assertEquals(primary, after.currentPrimary(), "the primary stayed");
        assertEquals(deployed.status().term(), after.term(), "the term did not move");
        assertTrue(
                result.report().ok() > 0 && result.report().reads() > 0,
                result.report().summary());
        assertTrue(
                result.report().longestPause().compareTo(Settings.FAULT_TO_WRITE_CEILING) <= 0,
                "writes paused at most the ceiling: " + result.report().summary());
        group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Settings.SETTLE);
    }
}
