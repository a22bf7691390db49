package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.failover.PrimaryHealth;
import dev.replicagroup.operator.observed.ClaimView;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.operator.scaling.ScalePlan;
import dev.replicagroup.operator.update.RollingUpdatePlan;
import dev.replicagroup.operator.update.UpdateTarget;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Outside a failover: the one next thing to do for a group, or nothing. One action per pass keeps every
 * step small and lets the next observation confirm it.
 *
 * <p>About 300 lines because the order of its checks is the priority between them (a restart on volumes, a
 * lost primary, a failed pod, a switchover, missing or extra pods, then the rolling update) and is read best in
 * one place; what each check decides is
 * in its own plan (ScalePlan, RollingUpdatePlan, StoragePlan, PrimaryHealth).
 */
public final class NextAction {

    public sealed interface Action {}

    /** Start the group's first primary (no --tbc). */
    public record CreatePrimary(int ordinal) implements Action {}

    /**
     * The group's first primary pod exists but status never named it (the pass that created it failed before its
     * status write, or its operator stopped in between): name it now, rather than wait for ever.
     */
    public record AdoptFirstPrimary(String pod) implements Action {}

    /** Add a helper that joins the primary at {@code tbc}. */
    public record CreateHelper(int ordinal, String tbc) implements Action {}

    /** Bring a member of a group without a live primary back on its volume, fenced ({@code --no-bootstrap}). */
    public record CreateMember(int ordinal) implements Action {}

    /**
     * Tell a member that follows nobody (fenced, or a helper with no primary) while the primary serves to follow
     * it: one that came back on its volume after a restart chose its primary without it, or missed the failover's
     * Follow.
     */
    public record Follow(String pod, String address, String primaryAddress, long term) implements Action {}

    /** Delete a helper pod: scale-down, or a failed pod to be replaced. */
    public record RemovePod(String pod, boolean scaleDown, String why) implements Action {}

    /** Delete a pod of an older revision, for the rolling update to {@code revision}; the group replaces it. */
    public record ReplaceStale(String pod, String revision, String why) implements Action {}

    /** @param fromAddress the failing primary's replica address, if known (for the lease hold-off) */
    public record StartFailover(String reason, Optional<String> fromAddress) implements Action {}

    /** @param forRevision the revision a rolling update moves the primary for; empty when the annotation asks */
    public record StartSwitchover(String target, Optional<String> fromAddress, Optional<String> forRevision)
            implements Action {}

    /** Every member is back fenced on its volume and none serves: choose a primary among them (a failover). */
    public record StartRestart(String reason) implements Action {}

    /** The switchover annotation cannot be honoured (or is already satisfied); remove it and say why. */
    public record DropSwitchover(String why, boolean warning) implements Action {}

    public record Wait(String why) implements Action {}

    public record Nothing() implements Action {}

    /**
     * @param primary      status.currentPrimary, if any
     * @param hasServed    whether that primary was ever seen Ready
     * @param switchoverTo the pod named by the promote annotation, if any
     * @param liveness     pods' liveness as the primary reports it
     * @param term         the term in status
     * @param storage      whether the members keep their data on volumes (spec.storage)
     * @param update       the pod template's revision, the update strategy and whether it is paused
     */
    public record Input(
            Observation obs,
            int replicas,
            int syncAcks,
            FailoverSpec failover,
            Optional<String> primary,
            boolean hasServed,
            Optional<Instant> lastFailover,
            Optional<String> switchoverTo,
            Map<String, Integer> liveness,
            long term,
            boolean storage,
            UpdateTarget update) {}

    private NextAction() {}

    public static Action decide(Input in) {
        Observation obs = in.obs();
        List<PodView> live = obs.live();
        if (in.storage() && restarting(in)) {
            return restart(in);
        }
        if (in.primary().isEmpty()) {
            if (obs.pods().isEmpty()) {
                return new CreatePrimary(0);
            }
            return firstPrimary(in)
                    .<Action>map(AdoptFirstPrimary::new)
                    .orElseGet(() -> new Wait("pods exist but no primary is recorded"));
        }
        String primary = in.primary().get();
        PrimaryHealth.Verdict health = PrimaryHealth.assess(
                primary,
                obs.pod(primary),
                in.hasServed(),
                in.failover(),
                obs.now(),
                in.lastFailover(),
                new PrimaryHealth.HelperReports(
                        in.term(),
                        in.replicas() - 1,
                        in.syncAcks(),
                        obs.replicas().values()));
        List<PodView> helpers =
                live.stream().filter(p -> !p.name().equals(primary)).toList();
        if (health instanceof PrimaryHealth.Gone gone) {
            if (in.failover().isEnabled() && !helpers.isEmpty()) {
                return new StartFailover(gone.reason(), primaryAddress(obs, primary, in.term()));
            }
            if (helpers.isEmpty() && obs.pod(primary).isEmpty()) {
                // Nothing else holds the data: the only way back to service is a new, empty primary.
                return new CreatePrimary(ScalePlan.nextOrdinal(obs.pods()));
            }
            if (helpers.isEmpty() && obs.pod(primary).filter(PodView::failed).isPresent()) {
                // Its process is gone for good (restartPolicy Never), e.g. a first primary killed by its probe
                // while it started: nobody to promote, so it is removed and the branch above replaces it.
                return new RemovePod(
                        primary,
                        false,
                        "primary pod failed and no helper holds its data; a new" + " primary replaces it");
            }
            return new Wait(gone.reason()
                    + (in.failover().isEnabled() ? "; no helper to promote" : "; automatic failover is disabled"));
        }
        if (health instanceof PrimaryHealth.Waiting waiting) {
            return new Wait(waiting.why());
        }
        Optional<PodView> failed =
                obs.pods().stream().filter(p -> p.failed() && !p.terminating()).findFirst();
        if (failed.isPresent()) {
            return new RemovePod(failed.get().name(), false, "pod failed; a new helper replaces it");
        }
        String primaryAddress = obs.pod(primary).flatMap(PodView::address).orElse(null);
        Optional<PodView> fenced = helpers.stream()
                .filter(p -> p.address().isPresent())
                .filter(p ->
                        obs.replica(p.name()).filter(NextAction::followsNobody).isPresent())
                .findFirst();
        Optional<NodeStatus> serving = obs.replica(primary).filter(s -> s.role() == Role.PRIMARY);
        if (fenced.isPresent() && primaryAddress != null && serving.isPresent()) {
            return new Follow(
                    fenced.get().name(),
                    fenced.get().address().get(),
                    primaryAddress,
                    serving.get().term());
        }
        if (in.switchoverTo().isPresent()) {
            return switchover(in, primary, in.switchoverTo().get());
        }
        if (live.size() < in.replicas() && primaryAddress != null) {
            return new CreateHelper(ScalePlan.nextOrdinal(obs.pods()), primaryAddress);
        }
        if (live.size() > in.replicas()) {
            return ScalePlan.toRemove(live, primary, in.liveness())
                    .<Action>map(p -> new RemovePod(p.name(), true, "scale down to " + in.replicas()))
                    .orElse(new Nothing());
        }
        return rollingUpdate(in, primary);
    }

    /** The rolling update's input; {@link #decide} runs outside a failover only. */
    public static RollingUpdatePlan.Input update(Input in, boolean failingOver) {
        return new RollingUpdatePlan.Input(
                in.obs(), in.primary(), in.update(), in.replicas(), in.syncAcks(), in.storage(), failingOver);
    }

    /** The last thing to do for a group that has its replicas: move a stale pod to the current template. */
    static Action rollingUpdate(Input in, String primary) {
        RollingUpdatePlan.Step step = RollingUpdatePlan.next(update(in, false));
        String revision = in.update().revision();
        if (step instanceof RollingUpdatePlan.Replace r) {
            return new ReplaceStale(r.pod(), revision, r.why());
        }
        if (step instanceof RollingUpdatePlan.Switchover s) {
            return new StartSwitchover(s.target(), primaryAddress(in.obs(), primary, in.term()), Optional.of(revision));
        }
        if (step instanceof RollingUpdatePlan.Waiting w) {
            return new Wait(w.why());
        }
        return new Nothing();
    }

    /**
     * Whether the group must come back from its volumes rather than from a primary: members' claims are kept, no
     * member answers as primary or helper, and the recorded primary (if any) is not a pod that may still serve:
     * it is gone, answers fenced (it came back on its volume), or once served and is not Ready now. A new group's
     * first primary, still starting, is not a restart. Then no pod may bootstrap an empty primary.
     */
    static boolean restarting(Input in) {
        Observation obs = in.obs();
        if (obs.kept().isEmpty()) {
            return false;
        }
        boolean someoneServes = obs.live().stream()
                .anyMatch(p -> obs.replica(p.name())
                        .filter(s -> s.role() != Role.FENCED)
                        .isPresent());
        if (someoneServes) {
            return false;
        }
        Optional<PodView> primary = in.primary().flatMap(obs::pod).filter(p -> !p.terminating() && !p.failed());
        return primary.isEmpty()
                || obs.replica(primary.get().name())
                        .filter(s -> s.role() == Role.FENCED)
                        .isPresent()
                || (in.hasServed() && !primary.get().ready());
    }

    /**
     * A whole-group restart, one step per pass: wait for deleted pods to go (they hold their names), replace
     * failed ones, bring back every member that has a claim (then new ones up to spec.replicas), all fenced;
     * then choose the primary among them ({@link StartRestart}).
     */
    static Action restart(Input in) {
        Observation obs = in.obs();
        List<String> going = obs.pods().stream()
                .filter(PodView::terminating)
                .map(PodView::name)
                .toList();
        if (!going.isEmpty()) {
            return new Wait("no member serves; waiting for " + String.join(", ", going)
                    + " to terminate before the members come back on their volumes");
        }
        Optional<PodView> failed = obs.pods().stream().filter(PodView::failed).findFirst();
        if (failed.isPresent()) {
            return new RemovePod(failed.get().name(), false, "pod failed; its member comes back on its volume");
        }
        List<Integer> wanted =
                new ArrayList<>(obs.kept().stream().map(ClaimView::ordinal).toList());
        // New members take ordinals no pod or claim (even one being deleted) holds.
        Set<Integer> used = new HashSet<>(wanted);
        obs.claims().forEach(c -> used.add(c.ordinal()));
        obs.pods().forEach(p -> used.add(p.ordinal()));
        for (int ordinal = 0; wanted.size() < in.replicas(); ordinal++) {
            if (!used.contains(ordinal)) {
                wanted.add(ordinal);
            }
        }
        Set<Integer> existing = obs.pods().stream().map(PodView::ordinal).collect(Collectors.toSet());
        Optional<Integer> missing =
                wanted.stream().filter(o -> !existing.contains(o)).findFirst();
        if (missing.isPresent()) {
            return new CreateMember(missing.get());
        }
        String reason = "no member serves"
                + in.primary().map(p -> " (the last primary was " + p + ")").orElse("") + "; "
                + obs.kept().size() + " members came back on their volumes";
        return in.failover().isEnabled()
                ? new StartRestart(reason)
                : new Wait(reason + "; automatic failover is disabled, so none is promoted");
    }

    /**
     * During a failover (with storage): a member whose pod is gone but whose claim is kept comes back on it,
     * fenced, so that the failover, which may wait for a quorum, hears it. Not the old primary, which comes
     * back after the failover as a helper of the new one.
     */
    public static Optional<Action> restoreDuringFailover(Observation obs, Optional<String> oldPrimary) {
        Set<String> pods = obs.pods().stream().map(PodView::name).collect(Collectors.toSet());
        return obs.kept().stream()
                .filter(c -> !pods.contains(c.member()) && !oldPrimary.equals(Optional.of(c.member())))
                .findFirst()
                .map(c -> new CreateMember(c.ordinal()));
    }

    /**
     * The primary's replica address: its pod's, or once the pod is gone the last primary most of its helpers
     * report in the term (the address they were following).
     */
    static Optional<String> primaryAddress(Observation obs, String primary, long term) {
        return obs.pod(primary)
                .flatMap(PodView::address)
                .or(() -> obs.replicas().values().stream()
                        .filter(s -> s.role() == Role.HELPER
                                && s.term() == term
                                && !s.timing().lastPrimary().isEmpty())
                        .collect(Collectors.groupingBy(s -> s.timing().lastPrimary(), Collectors.counting()))
                        .entrySet()
                        .stream()
                        .max(Map.Entry.comparingByValue())
                        .map(Map.Entry::getKey));
    }

    static Action switchover(Input in, String primary, String target) {
        if (target.equals(primary)) {
            return new DropSwitchover(target + " is already the primary", false);
        }
        Optional<PodView> pod =
                in.obs().live().stream().filter(p -> p.name().equals(target)).findFirst();
        if (pod.isEmpty()) {
            return new DropSwitchover("switchover target " + target + " is not a live pod of this group", true);
        }
        if (!pod.get().ready() || !in.obs().caughtUp(primary, pod.get())) {
            return new Wait("switchover to " + target + " waits until it is Ready and caught up");
        }
        return new StartSwitchover(target, primaryAddress(in.obs(), primary, in.term()), Optional.empty());
    }

    /**
     * The pod {@link CreatePrimary} made, if it is all there is: the group never had a primary (term 0 in status)
     * and its only pod is the first ordinal, labelled primary, alive. Nothing else can have started as a primary.
     */
    private static Optional<String> firstPrimary(Input in) {
        List<PodView> pods = in.obs().pods();
        if (in.term() != 0 || pods.size() != 1) {
            return Optional.empty();
        }
        PodView only = pods.get(0);
        return only.ordinal() == 0 && only.isPrimaryLabelled() && !only.terminating() && !only.failed()
                ? Optional.of(only.name())
                : Optional.empty();
    }

    /**
     * Fenced, or a helper that learnt a newer term from a message that named no primary: either way it waits for
     * someone to say whom to follow, and takes nothing until then.
     */
    private static boolean followsNobody(NodeStatus s) {
        return s.role() == Role.FENCED
                || (s.role() == Role.HELPER && s.primary().isEmpty());
    }
}
