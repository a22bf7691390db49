package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.replicas.GroupAdmin;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * A switchover's hand-over: the old primary pauses its writes (the pause runs out by itself if this operator
 * dies in between) and the operator polls it until the named helper acked everything it took. The helper
 * usually holds it within a few round trips; past the wait, the fence goes ahead and the promotion rule
 * chooses, so a helper that cannot catch up costs the switchover its target, never data.
 */
final class Handover {
    private static final Logger LOG = Logger.getLogger(Handover.class);
    private static final int PAUSE_MILLIS = 3000;
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(10);

    private Handover() {}

    /** @return false if interrupted before the target caught up or the wait ran out */
    static boolean run(GroupAdmin admin, FailoverAction.HandOff h, String group, Clock clock) {
        try {
            NodeStatus old = admin.pauseWrites(h.oldPrimaryAddress(), h.oldTerm(), PAUSE_MILLIS);
            Instant deadline = clock.instant().plus(WAIT);
            while (!holdsEverything(old, h.targetAddress())) {
                if (clock.instant().isAfter(deadline)) {
                    LOG.infof(
                            "%s: %s did not catch up with %s within %d ms; fencing all the same",
                            group, h.target(), h.oldPrimary(), WAIT.toMillis());
                    break;
                }
                Thread.sleep(POLL.toMillis());
                old = admin.status(h.oldPrimaryAddress());
            }
        } catch (ReplicaException e) {
            LOG.infof("%s: handing over from %s: %s", group, h.oldPrimary(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** The primary's own report: the helper acked the last entry it took. */
    static boolean holdsEverything(NodeStatus primary, String helperAddress) {
        return primary.helper(helperAddress)
                .filter(h -> h.ackedSeq() >= primary.last().seq())
                .isPresent();
    }
}
