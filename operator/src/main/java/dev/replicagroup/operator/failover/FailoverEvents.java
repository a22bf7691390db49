package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.resources.Names;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * The events a failover's steps record, once per term each (a step repeated after a failed pass records
 * nothing new), with the messages users read in {@code kubectl describe}.
 */
@ApplicationScoped
public class FailoverEvents {
    private final EventRecorder events;

    public FailoverEvents(EventRecorder events) {
        this.events = events;
    }

    void started(ReplicaGroup group, Failover failover, long term) {
        events.recordOnce(
                group,
                Reason.FailoverStarted,
                term,
                failover.isSwitchover()
                        ? "switchover from " + failover.getFrom() + " to " + failover.getTo() + " requested"
                        : failover.isRestart()
                                ? "whole-group restart: " + failover.getReason()
                                : "primary " + failover.getFrom() + " is gone: " + failover.getReason());
    }

    void blocked(ReplicaGroup group, String reason) {
        events.record(group, Reason.FailoverBlocked, reason);
    }

    /** @param holdoffMillis the hold-off sent with the promotion, null when a restart found it already done */
    void promoted(ReplicaGroup group, Failover failover, Long holdoffMillis) {
        events.recordOnce(
                group,
                Reason.Promoted,
                failover.getTerm(),
                "promoted " + failover.getTo()
                        + (failover.isRestart()
                                ? " (whole-group restart)"
                                : " (was primary: " + failover.getFrom() + ")")
                        + " in term " + failover.getTerm()
                        + (holdoffMillis == null
                                ? ""
                                : "; it serves after a lease hold-off of " + holdoffMillis + " ms"));
    }

    void repointed(ReplicaGroup group, long term, String primary) {
        events.recordOnce(
                group,
                Reason.ServiceRepointed,
                term,
                "Service " + Names.primaryService(group.getMetadata().getName()) + " now selects " + primary);
    }

    void completed(ReplicaGroup group, Failover failover, Duration took, List<String> replaced) {
        if (failover.isSwitchover()) {
            events.recordOnce(
                    group,
                    Reason.SwitchoverCompleted,
                    failover.getTerm(),
                    failover.getTo() + " is primary in term " + failover.getTerm() + "; " + failover.getFrom()
                            + " follows it");
        } else {
            events.recordOnce(
                    group,
                    Reason.FailoverCompleted,
                    failover.getTerm(),
                    failover.getTo() + " is primary in term " + failover.getTerm() + " after " + took.toMillis()
                            + " ms; " + (replaced.isEmpty() ? "" : String.join(", ", replaced) + " will be replaced"));
        }
    }
}
