package dev.replicagroup.operator.update;

import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * CloudNativePG's unsupervised primary update, as a pure function of one observation: the stale helpers are
 * replaced one at a time, the next only once every member is Ready and caught up (so the last replacement
 * has caught up); then the primary hands over to an updated helper by one planned switchover, and is replaced
 * last, as a helper. A template change midway only moves the target: pods of the older revision are stale
 * again, and the switchover waits until every helper runs the final revision, so there is one for it. A pod
 * on the target revision is never replaced. The plan runs only outside a failover (the reconciler runs the
 * failover instead) and once the group has its replicas (scaling goes first).
 */
public final class RollingUpdatePlan {

    /**
     * @param primary     status.currentPrimary, if any
     * @param failingOver a failover or switchover is under way (status.failover)
     */
    public record Input(
            Observation obs,
            Optional<String> primary,
            UpdateTarget target,
            int replicas,
            int syncAcks,
            boolean storage,
            boolean failingOver) {}

    public sealed interface Step {}

    /** Every live member runs the target revision. */
    public record UpToDate() implements Step {}

    /**
     * Stale members are left as they are, by the user's choice or because replacing one is not safe.
     *
     * @param reason the UpToDate condition's reason: {@value #PAUSED}, {@value #ON_DELETE} or {@value #BLOCKED}
     */
    public record Held(String reason, String why) implements Step {}

    /** The update waits for the group: a replacement to start, become Ready or catch up. */
    public record Waiting(String why) implements Step {}

    /**
     * Delete this stale pod; the group's usual path replaces it (a new helper of the primary, or for the only
     * replica the member back on its volume).
     */
    public record Replace(String pod, String why) implements Step {}

    /** Move the primary to this updated, caught-up helper by a planned switchover. */
    public record Switchover(String target) implements Step {}

    public static final String PAUSED = "Paused";
    public static final String ON_DELETE = "OnDelete";
    public static final String BLOCKED = "Blocked";

    private RollingUpdatePlan() {}

    public static Step next(Input in) {
        Observation obs = in.obs();
        String revision = in.target().revision();
        List<PodView> live = obs.live();
        List<PodView> stale = live.stream().filter(p -> !isOn(p, revision)).toList();
        if (stale.isEmpty()) {
            return new UpToDate();
        }
        String progress = (live.size() - stale.size()) + " of " + live.size() + " members run revision " + revision;
        if (in.target().onDelete()) {
            return new Held(ON_DELETE, progress + "; updateStrategy OnDelete: a pod is replaced when it is deleted");
        }
        if (in.target().paused()) {
            return new Held(PAUSED, progress + "; paused by the annotation replicagroup.dev/update-paused");
        }
        String towards = "rolling update to revision " + revision;
        if (in.failingOver()) {
            return new Waiting(towards + " waits for the failover under way");
        }
        if (in.primary().isEmpty() || obs.pod(in.primary().get()).isEmpty()) {
            return new Waiting(towards + " waits for a primary");
        }
        String primary = in.primary().get();
        Optional<PodView> going =
                obs.pods().stream().filter(PodView::terminating).findFirst();
        if (going.isPresent()) {
            return new Waiting(towards + " waits for " + going.get().name() + " to terminate");
        }
        if (live.size() != in.replicas()) {
            return new Waiting(
                    towards + " waits for the group's " + in.replicas() + " replicas (" + live.size() + " live)");
        }
        if (in.replicas() == 1) {
            return in.storage()
                    ? new Replace(primary, towards + ": the only replica, back on its volume (an outage meanwhile)")
                    : new Held(
                            BLOCKED,
                            progress + "; the only replica keeps its data in memory, so replacing it would lose"
                                    + " every write: delete pod " + primary + " to accept that");
        }
        Optional<PodView> behind = live.stream()
                .filter(p -> !p.ready() || (!p.name().equals(primary) && !obs.caughtUp(primary, p)))
                .findFirst();
        if (behind.isPresent()) {
            return new Waiting(towards + " waits until " + behind.get().name() + " is Ready and caught up");
        }
        Optional<PodView> staleHelper =
                stale.stream().filter(p -> !p.name().equals(primary)).findFirst();
        if (staleHelper.isPresent()) {
            int left = live.size() - 2;
            int needed = Math.max(1, in.syncAcks());
            if (left < needed) {
                // The primary serves only while max(1, syncAcks) helpers ack its heartbeats (its lease).
                return new Held(
                        BLOCKED,
                        progress + "; replacing a helper would leave " + left + " helper(s), and the primary"
                                + " serves only while " + needed + " ack it (syncAcks " + in.syncAcks()
                                + "): scale up by one for the update, or delete the pods yourself");
            }
            return new Replace(staleHelper.get().name(), towards + ": one helper at a time, the primary last");
        }
        Optional<NodeStatus> serving = obs.replica(primary);
        return live.stream()
                .filter(p -> !p.name().equals(primary))
                .min(Comparator.comparingLong((PodView p) -> lag(serving, p)).thenComparingInt(PodView::ordinal))
                .<Step>map(p -> new Switchover(p.name()))
                .orElseGet(() -> new Waiting(towards + " waits for an updated helper to hand the primary to"));
    }

    static boolean isOn(PodView pod, String revision) {
        return pod.revision().filter(revision::equals).isPresent();
    }

    /** How far behind the primary reports the helper (every helper here is caught up, so it reports each). */
    private static long lag(Optional<NodeStatus> primary, PodView helper) {
        return helper.address()
                .flatMap(a -> primary.flatMap(s -> s.helper(a)))
                .map(NodeStatus.HelperProgress::lag)
                .orElse(Long.MAX_VALUE);
    }
}
