package dev.replicagroup.operator.update;

import dev.replicagroup.operator.crd.Conditions;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The update's part of status: the revisions, updatedReplicas and the UpToDate condition. Pure. */
public final class RollingUpdateStatus {
    /** True when every live member runs status.updateRevision; otherwise why not, and what the update waits for. */
    public static final String UP_TO_DATE = "UpToDate";

    private RollingUpdateStatus() {}

    /**
     * @param step what the plan would do next, for the condition
     * @return the revision every member has just come to run, when an update completed (currentRevision moved)
     */
    public static Optional<String> apply(
            ReplicaGroupStatus status,
            Observation obs,
            int replicas,
            String revision,
            RollingUpdatePlan.Step step,
            long generation) {
        List<PodView> live = obs.live();
        int updated = (int)
                live.stream().filter(p -> RollingUpdatePlan.isOn(p, revision)).count();
        status.setUpdateRevision(revision);
        status.setUpdatedReplicas(updated);
        boolean complete =
                updated == replicas && live.size() == replicas && live.stream().allMatch(PodView::ready);
        Optional<String> completed = Optional.empty();
        if (complete && !revision.equals(status.getCurrentRevision())) {
            status.setCurrentRevision(revision);
            completed = Optional.of(revision);
        }
        String now = obs.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String reason;
        String message;
        if (step instanceof RollingUpdatePlan.UpToDate) {
            reason = "AllMembersUpdated";
            message = "every live member runs revision " + revision;
        } else if (step instanceof RollingUpdatePlan.Held held) {
            reason = held.reason();
            message = held.why();
        } else if (step instanceof RollingUpdatePlan.Waiting waiting) {
            reason = "RollingUpdate";
            message = waiting.why();
        } else if (step instanceof RollingUpdatePlan.Replace replace) {
            reason = "RollingUpdate";
            message = "replacing " + replace.pod() + ": " + replace.why();
        } else {
            reason = "RollingUpdate";
            message = "switching the primary over to " + ((RollingUpdatePlan.Switchover) step).target()
                    + ", which runs revision " + revision;
        }
        Conditions.set(
                status, UP_TO_DATE, step instanceof RollingUpdatePlan.UpToDate, reason, message, generation, now);
        return completed;
    }
}
