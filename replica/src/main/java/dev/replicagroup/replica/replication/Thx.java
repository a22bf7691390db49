package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.CatchUp;

/** THX: the primary's Active List, its term, and the first part of what the helper misses. */
public record Thx(ActiveList activeList, long term, CatchUp catchUp) {
}
