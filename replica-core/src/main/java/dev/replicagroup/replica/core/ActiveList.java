package dev.replicagroup.replica.core;

import java.util.List;
import java.util.Optional;

/** This server, its lookup list and its helper list, most live first, as of {@code term}. */
public record ActiveList(long term, String primary, List<ServerEntry> servers) {

    public Optional<ServerEntry> find(String address) {
        return servers.stream().filter(s -> s.address().equals(address)).findFirst();
    }
}
