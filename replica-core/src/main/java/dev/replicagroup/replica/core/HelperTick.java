package dev.replicagroup.replica.core;

/**
 * A tick of one helper's clock, with the incarnation of the process whose clock it is: a restarted helper's clock
 * starts again, so a tick echoed from before its restart must not be read on the new clock.
 */
public record HelperTick(long incarnation, long tick) {}
