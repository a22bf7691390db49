package dev.replicagroup.replica.core;

/** The answer to an admin command: done, or refused with the reason. */
public record Decision(boolean accepted, String reason) {
    static final Decision OK = new Decision(true, "");

    static Decision refused(String reason) {
        return new Decision(false, reason);
    }
}
