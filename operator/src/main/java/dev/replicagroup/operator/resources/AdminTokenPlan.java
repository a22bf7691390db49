package dev.replicagroup.operator.resources;

import java.util.Optional;

/**
 * Where a pass gets the group's admin token from. Running replicas read theirs once, at start, so a new token while
 * they run would lock the operator out of them (and new pods out of the group): a deleted Secret is put back with
 * the token the operator last saw, and when it never saw one, nothing is invented.
 */
public sealed interface AdminTokenPlan {
    /** The Secret is there. */
    record Use(String token) implements AdminTokenPlan {}

    /** No Secret and no replica yet: a new group. */
    record CreateNew() implements AdminTokenPlan {}

    /** The Secret was deleted; the operator still knows the token the replicas hold. */
    record Restore(String token) implements AdminTokenPlan {}

    /** The Secret was deleted while replicas run, and the operator has not seen their token since it started. */
    record Lost() implements AdminTokenPlan {}

    /** The token to call the replicas with, when this plan has one. */
    default Optional<String> usable() {
        if (this instanceof Use use) {
            return Optional.of(use.token());
        }
        if (this instanceof Restore restore) {
            return Optional.of(restore.token());
        }
        return Optional.empty();
    }

    static AdminTokenPlan decide(Optional<String> inSecret, Optional<String> lastSeen, boolean replicasExist) {
        if (inSecret.isPresent()) {
            return new Use(inSecret.get());
        }
        if (lastSeen.isPresent()) {
            return new Restore(lastSeen.get());
        }
        return replicasExist ? new Lost() : new CreateNew();
    }
}
