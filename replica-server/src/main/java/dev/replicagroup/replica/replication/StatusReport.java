package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ReplicaMachine;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.Comparator;
import java.util.List;

/** A replica's {@link NodeStatus} as of now, built from its machine on the engine thread. */
final class StatusReport {
    private final ReplicaState state;
    private final ReplicaMachine machine;
    private final NodeConfig config;
    private final long startedAtMillis = System.currentTimeMillis();

    StatusReport(ReplicaState state, ReplicaMachine machine, NodeConfig config) {
        this.state = state;
        this.machine = machine;
        this.config = config;
    }

    /** The status; {@code storageProblem} (empty while the storage works) comes first among its problems. */
    NodeStatus build(String storageProblem) {
        long last = state.last().seq();
        List<NodeStatus.HelperProgress> helpers = state.helperAcks().entrySet().stream()
                .map(e -> new NodeStatus.HelperProgress(
                        e.getKey(), e.getValue(), last - e.getValue(), machine.inTouchWith(e.getKey())))
                .sorted(Comparator.comparing(NodeStatus.HelperProgress::address))
                .toList();
        long tick = NodeConfig.TICK.toMillis();
        long age = machine.primaryContactAgeTicks();
        NodeStatus.Timing timing = new NodeStatus.Timing(
                machine.serving(),
                machine.leaseRemainingTicks() * tick,
                state.role() == Role.HELPER ? machine.lastPrimary() : "",
                age < 0 ? -1 : age * tick,
                machine.primaryLost(),
                (int) config.heartbeat().toMillis(),
                (int) config.lease().toMillis(),
                (int) config.detection().toMillis(),
                (int) config.clockDrift().toMillis(),
                machine.holdoffRemainingTicks() * tick);
        String problem = !storageProblem.isEmpty()
                ? storageProblem
                : machine.whyNotServing().orElse(machine.problem());
        return new NodeStatus(
                state.self(),
                state.role(),
                state.term(),
                state.last(),
                state.commitSeq(),
                state.committed().term(),
                state.appliedSeq(),
                state.primary(),
                helpers,
                state.liveness().sorted(),
                state.syncAcks(),
                state.caughtUp(),
                startedAtMillis,
                problem,
                timing);
    }
}
