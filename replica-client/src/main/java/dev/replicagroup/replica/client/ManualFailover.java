package dev.replicagroup.replica.client;

import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.failover.LeaseHoldoff;
import dev.replicagroup.replica.failover.MemberStatus;
import dev.replicagroup.replica.failover.PromotionChoice;
import dev.replicagroup.replica.failover.PromotionRule;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The admin CLI's failover over a list of replicas, without Kubernetes: fence every replica that answers in a
 * new term (the old primary stops taking writes, the helpers stop acking it), read the fenced helpers'
 * positions, pick the best with {@link PromotionRule}, promote it in that term, and tell the others to follow
 * it. The operator runs the same steps, with its state kept in the ReplicaGroup status. Fencing the helpers
 * before reading their positions is what makes the quorum check sound: an old primary that is alive but cut off
 * from us cannot get acks from fenced helpers, and too few are left unfenced to acknowledge anything.
 */
public final class ManualFailover {
    private final ReplicaAdmin admin;
    private final Consumer<String> log;

    public record Outcome(String oldPrimary, String newPrimary, long term, List<String> followers) {}

    public ManualFailover(ReplicaAdmin admin, Consumer<String> log) {
        this.admin = admin;
        this.log = log;
    }

    public Outcome run(List<String> servers, int syncAcks) throws ReplicaException {
        Map<String, NodeStatus> before = statuses(servers);
        Optional<NodeStatus> oldPrimary = before.values().stream()
                .filter(s -> s.role() == Role.PRIMARY)
                .max((a, b) -> Long.compare(a.term(), b.term()));
        long term = before.values().stream().mapToLong(NodeStatus::term).max().orElse(0) + 1;
        String old = oldPrimary.map(NodeStatus::address).orElse("");
        log.accept(
                oldPrimary.isPresent()
                        ? "old primary " + old + " answers; fencing it and the helpers in term " + term
                        : "no primary answered; fencing the helpers in term " + term);
        boolean oldFenced = false;
        long oldHoldoff = 0;
        for (String server : before.keySet()) {
            try {
                NodeStatus fenced = admin.fence(server, term);
                if (server.equals(old)) {
                    oldFenced = true;
                    oldHoldoff = fenced.timing().holdoffRemainingMillis();
                }
            } catch (ReplicaException e) {
                log.accept(server + " was not fenced: " + e.getMessage());
            }
        }
        Map<String, Integer> liveness = new LinkedHashMap<>();
        oldPrimary.ifPresent(p -> p.liveness().forEach(e -> liveness.put(e.getKey(), e.getValue())));
        List<MemberStatus> heard = new ArrayList<>();
        List<NodeStatus> fenced = statuses(servers).values().stream()
                .filter(s -> !s.address().equals(old) && s.term() == term)
                .toList();
        fenced.forEach(s -> heard.add(new MemberStatus(
                s.address(),
                s.address(),
                s.caughtUp(),
                s.role(),
                s.term(),
                s.last(),
                liveness.getOrDefault(s.address(), 0),
                s.startedAtMillis())));
        PromotionChoice choice =
                PromotionRule.choose(heard, servers.size() - 1, syncAcks, oldPrimary.map(NodeStatus::committed));
        if (choice instanceof PromotionChoice.Blocked blocked) {
            throw ReplicaException.of(ReplicaException.Reason.REFUSED, "failover blocked: " + blocked.reason());
        }
        MemberStatus candidate = ((PromotionChoice.Promote) choice).candidate();
        List<Long> ages =
                fenced.stream().map(s -> s.timing().primaryContactAgeMillis()).toList();
        long holdoff = LeaseHoldoff.millis(
                oldFenced,
                oldHoldoff,
                ages,
                servers.size() - 1,
                syncAcks,
                maxOf(fenced, NodeStatus.Timing::leaseMillis),
                maxOf(fenced, NodeStatus.Timing::clockDriftMillis));
        admin.promote(candidate.address(), term, holdoff);
        log.accept("promoted " + candidate.address() + " at " + candidate.last() + " to primary of term " + term
                + (holdoff > 0 ? "; it serves in " + holdoff + " ms, when the old primary's lease has run out" : ""));
        List<String> followers = new ArrayList<>();
        for (String server : servers) {
            if (server.equals(candidate.address())) {
                continue;
            }
            try {
                admin.follow(server, candidate.address(), term);
                followers.add(server);
                log.accept(server + " follows " + candidate.address());
            } catch (ReplicaException e) {
                log.accept(server + " was not told to follow: " + e.getMessage());
            }
        }
        return new Outcome(old, candidate.address(), term, followers);
    }

    private static long maxOf(List<NodeStatus> statuses, java.util.function.ToIntFunction<NodeStatus.Timing> field) {
        return statuses.stream()
                .mapToInt(s -> field.applyAsInt(s.timing()))
                .max()
                .orElse(0);
    }

    private Map<String, NodeStatus> statuses(List<String> servers) {
        Map<String, NodeStatus> answered = new LinkedHashMap<>();
        for (String server : servers) {
            try {
                answered.put(server, admin.status(server));
            } catch (ReplicaException e) {
                log.accept(server + " did not answer: " + e.getMessage());
            }
        }
        return answered;
    }
}
