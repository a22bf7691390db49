package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The other servers a replica knows of (its lookup list), each with the role it last knew and how live it found
 * it: what its Active List is made of. Order is kept: the list reads the same on every call.
 */
final class KnownServers {
    private final Map<String, Role> lookup = new LinkedHashMap<>();
    private final LivenessTable liveness = new LivenessTable();

    void helper(String address) {
        lookup.put(address, Role.HELPER);
    }

    /** A server the storage remembered: a helper unless already known otherwise. */
    void remembered(String address) {
        lookup.putIfAbsent(address, Role.HELPER);
    }

    /** This replica became primary: every other server is a helper now. */
    void allHelpers() {
        lookup.replaceAll((address, r) -> Role.HELPER);
    }

    /** {@code primary} (if not empty) is the primary; every other server is a helper. */
    void primaryIs(String primary) {
        if (!primary.isEmpty()) {
            lookup.put(primary, Role.PRIMARY);
        }
        lookup.replaceAll((address, r) -> address.equals(primary) ? Role.PRIMARY : Role.HELPER);
    }

    /** The Active List a helper received from its primary becomes its lookup list (but for itself). */
    void learn(ActiveList list, String self) {
        for (ServerEntry server : list.servers()) {
            if (!server.address().equals(self)) {
                lookup.put(server.address(), server.role());
            }
        }
    }

    /** {@code self} first as fully live, then the servers known, most live first. */
    ActiveList activeList(String self, Role role, long term, String primary) {
        List<ServerEntry> servers = new ArrayList<>();
        servers.add(new ServerEntry(self, role, LivenessTable.MAX));
        lookup.forEach((address, r) -> servers.add(new ServerEntry(address, r, liveness.of(address))));
        servers.sort(Comparator.comparingInt(ServerEntry::liveness).reversed());
        return new ActiveList(term, primary, List.copyOf(servers));
    }

    List<String> addresses() {
        return List.copyOf(lookup.keySet());
    }

    LivenessTable liveness() {
        return liveness;
    }
}
