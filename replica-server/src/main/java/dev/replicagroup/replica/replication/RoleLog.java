package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ReplicaMachine;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import org.jboss.logging.Logger;

/**
 * Logs what someone reading a replica's log looks for: each new role, term or primary, and when a primary starts
 * or stops serving (with why). Engine thread only.
 */
final class RoleLog {
    // Under the engine's name, where these lines always were (log filters and the e2e dumps' readers look there).
    private static final Logger LOG = Logger.getLogger(ReplicaNode.class);

    private Role role;
    private long term;
    private String primary;
    private boolean serving;

    /** Logs what changed since the last call; true if the role, term or primary did. */
    boolean noteChanges(ReplicaState state, ReplicaMachine machine) {
        boolean changed =
                state.role() != role || state.term() != term || !state.primary().equals(primary);
        if (changed) {
            LOG.infof(
                    "%s is now %s of term %d (primary %s)",
                    state.self(), state.role(), state.term(), state.primary().isEmpty() ? "unknown" : state.primary());
            role = state.role();
            term = state.term();
            primary = state.primary();
        }
        boolean nowServing = machine.serving();
        if (nowServing != serving) {
            serving = nowServing;
            if (state.role() == Role.PRIMARY) {
                LOG.infof(
                        nowServing ? "%s serves as primary of term %d" : "%s stopped serving: %s",
                        state.self(),
                        nowServing ? state.term() : machine.whyNotServing().orElse(""));
            }
        }
        return changed;
    }
}
