package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.Member;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.metrics.OperatorMetrics;
import dev.replicagroup.operator.reconcile.Observation;
import dev.replicagroup.operator.reconcile.StatusWriter;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.PodRoles;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.replication.ReplicaException;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Carries out the failover the status records, step by step, writing status after each step so that a
 * restart resumes where this pass stopped. Decisions come from {@link FailoverPlanner}.
 */
@ApplicationScoped
public class FailoverRunner {
    private static final Logger LOG = Logger.getLogger(FailoverRunner.class);
    /** More than the six steps, plus a reselect or two; a pass never loops forever. */
    private static final int MAX_STEPS_PER_PASS = 12;

    private final KubernetesClient client;
    private final StatusWriter statusWriter;
    private final PodRoles roles;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final Clock clock;

    public FailoverRunner(KubernetesClient client, StatusWriter statusWriter, PodRoles roles, EventRecorder events,
            OperatorMetrics metrics, Clock clock) {
        this.client = client;
        this.statusWriter = statusWriter;
        this.roles = roles;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Records the start of a failover (step Detect) in status. */
    public void start(ReplicaGroup group, String reason, boolean switchover, String target) {
        ReplicaGroupStatus status = group.getStatus();
        Failover failover = new Failover();
        failover.setStep(FailoverStep.Detect);
        failover.setFrom(status.getCurrentPrimary());
        failover.setReason(reason);
        failover.setSwitchover(switchover);
        failover.setTo(target);
        failover.setDetectedAt(now());
        status.setFailover(failover);
        status.setPhase(Phase.FailingOver);
        statusWriter.write(group);
    }

    /**
     * Runs steps until the failover finishes or must wait.
     *
     * @param observe takes a fresh Observation (each step changes what the replicas report)
     * @return why it waits, or null when it finished
     */
    public String run(ReplicaGroup group, AdminClient admin, Supplier<Observation> observe) {
        ReplicaGroupStatus status = group.getStatus();
        for (int i = 0; i < MAX_STEPS_PER_PASS && status.getFailover() != null; i++) {
            Failover failover = status.getFailover();
            FailoverStep step = failover.getStep();
            Instant started = clock.instant();
            FailoverAction action = FailoverPlanner.next(failover, observe.get(), context(group));
            LOG.debugf("%s: failover step %s -> %s", group.getMetadata().getName(), step, action);
            String waiting = execute(group, admin, failover, action);
            if (waiting != null) {
                return waiting;
            }
            metrics.stepTook(group, step, Duration.between(started, clock.instant()));
        }
        return status.getFailover() == null ? null : "failover still running";
    }

    static FailoverPlanner.Context context(ReplicaGroup group) {
        ReplicaGroupStatus status = group.getStatus();
        Map<String, Integer> liveness = status.getMembers().stream().filter(m -> m.getLiveness() != null)
                .collect(Collectors.toMap(Member::getName, Member::getLiveness, (a, b) -> a));
        // Counting every wanted helper (not only those alive now) keeps the quorum on the safe side.
        int helpers = Math.max(group.getSpec().getReplicas() - 1, status.getMembers().size() - 1);
        return new FailoverPlanner.Context(status.getTerm(), helpers, group.getSpec().getSyncAcks(), liveness);
    }

    private String execute(ReplicaGroup group, AdminClient admin, Failover failover, FailoverAction action) {
        ReplicaGroupStatus status = group.getStatus();
        String ns = group.getMetadata().getNamespace();
        if (action instanceof FailoverAction.Announce a) {
            events.record(group, Reason.FailoverStarted, failover.isSwitchover()
                    ? "switchover from " + failover.getFrom() + " to " + failover.getTo() + " requested"
                    : "primary " + failover.getFrom() + " is gone: " + failover.getReason());
            raiseTerm(group, a.newTerm());
            // The new term goes to the API before any replica hears of it; a conflicting writer makes this throw.
            advance(group, FailoverStep.Fence);
        } else if (action instanceof FailoverAction.Fence f) {
            for (FailoverAction.Replica replica : f.replicas()) {
                try {
                    admin.fence(replica.address(), f.term());
                } catch (ReplicaException e) {
                    // A dead replica cannot be fenced and need not be: it takes no writes and acks nothing.
                    LOG.infof("fencing %s in term %d: %s", replica.pod(), f.term(), e.getMessage());
                }
            }
            roles.set(ns, f.oldPrimary(), Labels.HELPER);
            if (failover.getStep() == FailoverStep.Fence) {
                advance(group, FailoverStep.Select);
            }
        } else if (action instanceof FailoverAction.Block b) {
            if (!b.reason().equals(failover.getBlocked())) {
                failover.setBlocked(b.reason());
                statusWriter.write(group);
                events.record(group, Reason.FailoverBlocked, b.reason());
            }
            return b.reason();
        } else if (action instanceof FailoverAction.Choose c) {
            failover.setTo(c.candidate());
            failover.setBlocked(null);
            advance(group, FailoverStep.Promote);
        } else if (action instanceof FailoverAction.Promote p) {
            try {
                admin.promote(p.address(), p.term(), 0);
            } catch (ReplicaException e) {
                if (e.reason() == ReplicaException.Reason.UNREACHABLE) {
                    return "promoting " + p.candidate() + ": " + e.getMessage();
                }
                return reselect(group, "promoting " + p.candidate() + " was refused: " + e.getMessage(),
                        Math.max(status.getTerm(), e.term()) + 1);
            }
            promoted(group, failover);
        } else if (action instanceof FailoverAction.AlreadyPromoted) {
            promoted(group, failover);
        } else if (action instanceof FailoverAction.Reselect r) {
            return reselect(group, r.why(), r.newTerm());
        } else if (action instanceof FailoverAction.Repoint r) {
            r.demote().forEach(pod -> roles.set(ns, pod, Labels.HELPER));
            roles.set(ns, r.candidate(), Labels.PRIMARY);
            status.setCurrentPrimary(r.candidate());
            status.setPrimarySince(null);
            failover.setRepointedAt(now());
            events.record(group, Reason.ServiceRepointed, "Service " + Names.primaryService(
                    group.getMetadata().getName()) + " now selects " + r.candidate());
            r.followers().forEach(f -> follow(admin, f, r.candidateAddress(), r.term()));
            advance(group, FailoverStep.Verify);
        } else if (action instanceof FailoverAction.Finish fin) {
            finish(group, admin, failover, fin);
        } else if (action instanceof FailoverAction.Wait w) {
            return w.why();
        }
        return null;
    }

    private void promoted(ReplicaGroup group, Failover failover) {
        if (failover.getPromotedAt() == null) {
            failover.setPromotedAt(now());
            events.record(group, Reason.Promoted, "promoted " + failover.getTo() + " (was primary: "
                    + failover.getFrom() + ") in term " + failover.getTerm());
        }
        advance(group, FailoverStep.Repoint);
    }

    private String reselect(ReplicaGroup group, String why, long newTerm) {
        Failover failover = group.getStatus().getFailover();
        LOG.infof("%s: fencing again in term %d and choosing again: %s", group.getMetadata().getName(), newTerm, why);
        failover.setTo(failover.isSwitchover() ? failover.getTo() : null);
        failover.setPromotedAt(null);
        raiseTerm(group, newTerm);
        advance(group, FailoverStep.Fence);
        return null;
    }

    private static void raiseTerm(ReplicaGroup group, long newTerm) {
        group.getStatus().getFailover().setTerm(newTerm);
        group.getStatus().setTerm(Math.max(group.getStatus().getTerm(), newTerm));
    }

    private void finish(ReplicaGroup group, AdminClient admin, Failover failover, FailoverAction.Finish fin) {
        ReplicaGroupStatus status = group.getStatus();
        String ns = group.getMetadata().getNamespace();
        for (FailoverAction.Replica follower : fin.followers()) {
            follow(admin, follower, fin.newPrimaryAddress(), failover.getTerm());
            roles.set(ns, follower.pod(), Labels.HELPER);
        }
        fin.delete().forEach(pod -> client.pods().inNamespace(ns).withName(pod).delete());
        failover.setStep(FailoverStep.Done);
        failover.setCompletedAt(now());
        status.setLastFailover(failover);
        status.setFailover(null);
        status.setPrimarySince(now());
        statusWriter.write(group);
        Duration total = Duration.between(Instant.parse(failover.getDetectedAt()), Instant.parse(failover.getCompletedAt()));
        metrics.failoverCompleted(group, failover.isSwitchover(), total);
        if (failover.isSwitchover()) {
            events.record(group, Reason.SwitchoverCompleted, failover.getTo() + " is primary in term "
                    + failover.getTerm() + "; " + failover.getFrom() + " follows it");
            if (group.getMetadata().getAnnotations() != null
                    && group.getMetadata().getAnnotations().containsKey(Labels.PROMOTE_ANNOTATION)) {
                statusWriter.removeAnnotation(group, Labels.PROMOTE_ANNOTATION);
            }
        } else {
            events.record(group, Reason.FailoverCompleted, failover.getTo() + " is primary in term "
                    + failover.getTerm() + " after " + total.toMillis() + " ms; "
                    + (fin.delete().isEmpty() ? "" : String.join(", ", fin.delete()) + " will be replaced"));
        }
    }

    private void follow(AdminClient admin, FailoverAction.Replica follower, String primaryAddress, long term) {
        try {
            admin.follow(follower.address(), primaryAddress, term);
        } catch (ReplicaException e) {
            // A helper that misses this is told again in Verify, where it still shows up as not following.
            LOG.infof("telling %s to follow %s: %s", follower.pod(), primaryAddress, e.getMessage());
        }
    }

    private void advance(ReplicaGroup group, FailoverStep next) {
        group.getStatus().getFailover().setStep(next);
        statusWriter.write(group);
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
