package dev.replicagroup.operator.failover;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.LogPositionStatus;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.metrics.OperatorMetrics;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.replicas.AdminFanout;
import dev.replicagroup.operator.replicas.GroupAdmin;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.PodRoles;
import dev.replicagroup.operator.resources.StatusWriter;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Carries out the failover the status records, step by step, writing status after each step so that a
 * restart resumes where this pass stopped. Decisions come from {@link FailoverPlanner}; the calls of a step go
 * to all its replicas at once, with the short admin deadline.
 *
 * <p>Over 300 lines because it has one case per action of the planner (its {@code Step} visitor: announce,
 * fence, choose, promote, repoint, finish, block...) with the status write, event and metric each needs; a class
 * per action would spread the order of writes a resume depends on across files.
 */
@ApplicationScoped
public class FailoverRunner {
    private static final Logger LOG = Logger.getLogger(FailoverRunner.class);
    /** More than the six steps, plus a reselect or two; a pass never loops forever. */
    private static final int MAX_STEPS_PER_PASS = 12;

    private final KubernetesClient client;
    private final AdminFanout fanout;
    private final StatusWriter statusWriter;
    private final PodRoles roles;
    private final FailoverEvents failoverEvents;
    private final OperatorMetrics metrics;
    private final Clock clock;

    public FailoverRunner(
            KubernetesClient client,
            AdminFanout fanout,
            StatusWriter statusWriter,
            PodRoles roles,
            FailoverEvents failoverEvents,
            OperatorMetrics metrics,
            Clock clock) {
        this.client = client;
        this.fanout = fanout;
        this.statusWriter = statusWriter;
        this.roles = roles;
        this.failoverEvents = failoverEvents;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Starts a failover (step Detect). Nothing is written yet: the next step raises the term and writes both, so
     * the failover costs one status write less before the fence; an operator that dies in between has
     * recorded nothing and the next one detects the failure again.
     */
    public void start(
            ReplicaGroup group, String reason, boolean switchover, String target, Optional<String> fromAddress) {
        ReplicaGroupStatus status = group.getStatus();
        Failover failover = new Failover();
        failover.setStep(FailoverStep.Detect);
        failover.setFrom(status.getCurrentPrimary());
        failover.setFromAddress(fromAddress.orElse(null));
        failover.setReason(reason);
        failover.setSwitchover(switchover);
        failover.setTo(target);
        failover.setDetectedAt(now());
        status.setFailover(failover);
        status.setPhase(Phase.FailingOver);
    }

    /**
     * Starts a whole-group restart (step Detect): the same steps with no old primary, and every member a
     * candidate ({@link GroupRestart}).
     */
    public void startRestart(ReplicaGroup group, String reason) {
        start(group, reason, false, null, Optional.empty());
        group.getStatus().getFailover().setFrom(null);
        group.getStatus().getFailover().setRestart(true);
    }

    /**
     * Runs steps until the failover finishes or must wait: one observation per step, and the answers of the
     * step's calls laid over the next one (a pushed status may not have caught up with a fence yet).
     *
     * @param observe takes a fresh Observation (each step changes what the replicas report)
     * @return why it waits, or null when it finished
     */
    public String run(ReplicaGroup group, GroupAdmin admin, Supplier<Observation> observe) {
        ReplicaGroupStatus status = group.getStatus();
        Map<String, NodeStatus> answered = Map.of();
        for (int i = 0; i < MAX_STEPS_PER_PASS && status.getFailover() != null; i++) {
            Failover failover = status.getFailover();
            FailoverStep step = failover.getStep();
            Instant started = clock.instant();
            FailoverAction action = FailoverPlanner.next(
                    failover, observe.get().withAnswers(answered), FailoverPlanner.Context.of(group));
            LOG.debugf("%s: failover step %s -> %s", group.getMetadata().getName(), step, action);
            Outcome outcome = action.accept(new Step(group, admin, failover));
            if (outcome.waiting() != null) {
                return outcome.waiting();
            }
            answered = outcome.answered();
            metrics.stepTook(group, step, Duration.between(started, clock.instant()));
        }
        return status.getFailover() == null ? null : "failover still running";
    }

    /** What a step left: why the failover waits (null: go on), and what replicas answered to its calls. */
    private record Outcome(String waiting, Map<String, NodeStatus> answered) {
        static Outcome next() {
            return new Outcome(null, Map.of());
        }

        static Outcome next(Map<String, NodeStatus> answered) {
            return new Outcome(null, answered);
        }

        static Outcome waiting(String why) {
            return new Outcome(why, Map.of());
        }
    }

    /** Carries out one action: the one case per action of the failover graph's side effects. */
    private final class Step implements FailoverAction.Visitor<Outcome> {
        private final ReplicaGroup group;
        private final ReplicaGroupStatus status;
        private final GroupAdmin admin;
        private final Failover failover;
        private final String ns;

        Step(ReplicaGroup group, GroupAdmin admin, Failover failover) {
            this.group = group;
            this.status = group.getStatus();
            this.admin = admin;
            this.failover = failover;
            this.ns = group.getMetadata().getNamespace();
        }

        @Override
        public Outcome announce(FailoverAction.Announce a) {
            failoverEvents.started(group, failover, a.newTerm());
            raiseTerm(group, a.newTerm());
            // The new term goes to the API before any replica hears of it; a conflicting writer makes this throw.
            advance(group, FailoverStep.Fence);
            return Outcome.next();
        }

        @Override
        public Outcome handOff(FailoverAction.HandOff h) {
            failover.setHandedOff(true);
            return Handover.run(admin, h, group.getMetadata().getName(), clock)
                    ? Outcome.next()
                    : Outcome.waiting("interrupted while handing over to " + h.target());
        }

        @Override
        public Outcome fence(FailoverAction.Fence f) {
            // The old primary's label comes off while the fences are in flight: the pod patch used to follow them
            // and delayed every promotion by its round trip to the API server (~0.1 s seen on the cluster).
            Map<String, AdminFanout.Answer> answers =
                    fanout.callAll(addresses(f.replicas()), address -> admin.fence(address, f.term()), () -> {
                        if (f.oldPrimary() != null) {
                            roles.set(ns, f.oldPrimary(), Labels.HELPER);
                        }
                    });
            answers.forEach((pod, answer) -> {
                if (!answer.ok()) {
                    // A dead replica cannot be fenced and need not be: it takes no writes and acks nothing.
                    LOG.infof(
                            "fencing %s in term %d: %s",
                            pod, f.term(), answer.error().getMessage());
                }
            });
            Optional<AdminFanout.Answer> old =
                    Optional.ofNullable(f.oldPrimary()).map(answers::get).filter(AdminFanout.Answer::ok);
            boolean oldFenced = old.isPresent() && !failover.isOldPrimaryFenced();
            if (oldFenced) {
                failover.setOldPrimaryFencedInTerm(f.term());
                failover.setOldPrimaryHoldoffMillis(old.get().status().timing().holdoffRemainingMillis());
            }
            old.ifPresent(a -> failover.setOldPrimaryCommitted(
                    LogPositionStatus.of(a.status().committed())));
            if (failover.getStep() == FailoverStep.Fence) {
                // Not written: a failover resumed from Fence fences again (the same term) and then selects.
                failover.setStep(FailoverStep.Select);
            }
            return Outcome.next(statuses(answers));
        }

        @Override
        public Outcome block(FailoverAction.Block b) {
            if (!b.reason().equals(failover.getBlocked())) {
                failover.setBlocked(b.reason());
                statusWriter.write(group);
                failoverEvents.blocked(group, b.reason());
            }
            return Outcome.waiting(b.reason());
        }

        @Override
        public Outcome choose(FailoverAction.Choose c) {
            failover.setTo(c.candidate());
            failover.setBlocked(null);
            advance(group, FailoverStep.Promote);
            return Outcome.next();
        }

        @Override
        public Outcome promote(FailoverAction.Promote p) {
            NodeStatus promoted;
            try {
                promoted = admin.promote(p.address(), p.term(), p.holdoffMillis());
            } catch (ReplicaException e) {
                if (e.reason() == ReplicaException.Reason.UNREACHABLE) {
                    // It may have been promoted all the same; the next pass sees that (AlreadyPromoted).
                    return Outcome.waiting("promoting " + p.candidate() + ": " + e.getMessage());
                }
                return reselect(new FailoverAction.Reselect(
                        "promoting " + p.candidate() + " was refused: " + e.getMessage(),
                        Math.max(status.getTerm(), e.term()) + 1));
            }
            promoted(group, failover, p.holdoffMillis());
            Map<String, NodeStatus> answered = new HashMap<>(follow(admin, p.followers(), p.address(), p.term()));
            answered.put(p.candidate(), promoted);
            return Outcome.next(answered);
        }

        @Override
        public Outcome alreadyPromoted(FailoverAction.AlreadyPromoted a) {
            promoted(group, failover, null);
            return Outcome.next();
        }

        @Override
        public Outcome reselect(FailoverAction.Reselect r) {
            LOG.infof(
                    "%s: fencing again in term %d and choosing again: %s",
                    group.getMetadata().getName(), r.newTerm(), r.why());
            failover.setTo(failover.isSwitchover() ? failover.getTo() : null);
            failover.setPromotedAt(null);
            raiseTerm(group, r.newTerm());
            advance(group, FailoverStep.Fence);
            return Outcome.next();
        }

        @Override
        public Outcome repoint(FailoverAction.Repoint r) {
            r.demote().forEach(pod -> roles.set(ns, pod, Labels.HELPER));
            roles.set(ns, r.candidate(), Labels.PRIMARY);
            status.setCurrentPrimary(r.candidate());
            status.setPrimarySince(null);
            failover.setRepointedAt(now());
            failoverEvents.repointed(group, r.term(), r.candidate());
            Map<String, NodeStatus> answered = follow(admin, r.followers(), r.candidateAddress(), r.term());
            advance(group, FailoverStep.Verify);
            return Outcome.next(answered);
        }

        @Override
        public Outcome finish(FailoverAction.Finish fin) {
            FailoverRunner.this.finish(group, admin, failover, fin);
            return Outcome.next();
        }

        @Override
        public Outcome waitFor(FailoverAction.Wait w) {
            return Outcome.waiting(w.why());
        }
    }

    /** Tells each follower its new primary; one that misses it is told again in Verify (still not following). */
    private Map<String, NodeStatus> follow(
            GroupAdmin admin, List<FailoverAction.Replica> followers, String primary, long term) {
        Map<String, AdminFanout.Answer> answers =
                fanout.callAll(addresses(followers), address -> admin.follow(address, primary, term));
        answers.forEach((pod, answer) -> {
            if (!answer.ok()) {
                LOG.infof(
                        "telling %s to follow %s: %s",
                        pod, primary, answer.error().getMessage());
            }
        });
        return statuses(answers);
    }

    private static Map<String, String> addresses(List<FailoverAction.Replica> replicas) {
        return replicas.stream()
                .collect(Collectors.toMap(FailoverAction.Replica::pod, FailoverAction.Replica::address, (a, b) -> a));
    }

    private static Map<String, NodeStatus> statuses(Map<String, AdminFanout.Answer> answers) {
        return answers.entrySet().stream()
                .filter(e -> e.getValue().ok())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().status()));
    }

    /** @param holdoffMillis the hold-off sent with the promotion, null when a restart found it already done */
    private void promoted(ReplicaGroup group, Failover failover, Long holdoffMillis) {
        if (failover.getPromotedAt() == null) {
            failover.setPromotedAt(now());
            failoverEvents.promoted(group, failover, holdoffMillis);
        }
        // Not written: resumed from Promote, the next pass finds the candidate serving (AlreadyPromoted); the
        // Repoint step writes this with its own.
        failover.setStep(FailoverStep.Repoint);
    }

    private static void raiseTerm(ReplicaGroup group, long newTerm) {
        group.getStatus().getFailover().setTerm(newTerm);
        group.getStatus().setTerm(Math.max(group.getStatus().getTerm(), newTerm));
    }

    private void finish(ReplicaGroup group, GroupAdmin admin, Failover failover, FailoverAction.Finish fin) {
        ReplicaGroupStatus status = group.getStatus();
        String ns = group.getMetadata().getNamespace();
        follow(admin, fin.followers(), fin.newPrimaryAddress(), failover.getTerm());
        fin.followers().forEach(follower -> roles.set(ns, follower.pod(), Labels.HELPER));
        fin.delete().forEach(pod -> client.pods().inNamespace(ns).withName(pod).delete());
        failover.setStep(FailoverStep.Done);
        failover.setCompletedAt(now());
        status.setLastFailover(failover);
        status.setFailover(null);
        status.setPrimarySince(now());
        Duration total =
                Duration.between(Instant.parse(failover.getDetectedAt()), Instant.parse(failover.getCompletedAt()));
        // The event before the status write: an operator killed between the two leaves a status that still runs
        // the failover, and the next leader's finish records the event again, which its once-per-term name
        // refuses. The other order left a completed status with no completion event (found by the soak).
        failoverEvents.completed(group, failover, total, fin.delete());
        statusWriter.write(group);
        metrics.failoverCompleted(group, failover.isSwitchover(), total);
        if (failover.isSwitchover()
                && group.getMetadata().getAnnotations() != null
                && group.getMetadata().getAnnotations().containsKey(Labels.PROMOTE_ANNOTATION)) {
            statusWriter.removeAnnotation(group, Labels.PROMOTE_ANNOTATION);
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
