package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.LogPosition;

/** HERETOHELP: a helper's address and where its log stands. */
public record HereToHelp(String helper, long term, LogPosition last, long commitSeq) {
}
