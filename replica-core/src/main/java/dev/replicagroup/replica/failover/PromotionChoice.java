package dev.replicagroup.replica.failover;

/** The outcome of the promotion rule. */
public sealed interface PromotionChoice {

    /** Promote this helper. */
    record Promote(MemberStatus candidate) implements PromotionChoice {}

    /** No helper may be promoted safely now; the reason says what is missing. */
    record Blocked(String reason) implements PromotionChoice {}
}
