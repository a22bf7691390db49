package dev.replicagroup.replica.server;

import dev.replicagroup.replica.replication.NodeConfig;

/**
 * How to start a replica.
 *
 * @param bindHost  the interface the gRPC server listens on
 * @param port      the gRPC port
 * @param advertise the address other replicas and clients use to reach this one
 * @param tbc       the primary (or any member) to help; empty to start as the primary of term 1
 * @param syncAcks  helper acks a write waits for before it is acknowledged
 * @param adminToken the group's token: Admin calls and peers' streams must carry it; empty disables the Admin API
 *     and leaves the Peer service unauthenticated
 * @param storage   where the state is kept (memory, or a data directory)
 * @param noBootstrap without --tbc and without data, start fenced in term 0 rather than as the primary of term 1
 * @param reflection  serve gRPC server reflection (the schema, for grpcurl); off with --no-reflection
 */
public record ServerOptions(
        String bindHost,
        int port,
        String advertise,
        String tbc,
        int syncAcks,
        String adminToken,
        NodeConfig node,
        StorageOptions storage,
        boolean noBootstrap,
        boolean reflection) {

    public ServerOptions {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 1 and 65535, got " + port);
        }
        if (syncAcks < 0) {
            throw new IllegalArgumentException("--sync-acks must be 0 or more, got " + syncAcks);
        }
        if (!tbc.isEmpty()) {
            Addresses.check(tbc, "--tbc");
        }
        Addresses.check(advertise, "--advertise");
        if (tbc.equals(advertise)) {
            throw new IllegalArgumentException(
                    "--tbc " + tbc + " is this replica's own address; point it at the primary");
        }
    }

    /** A replica on loopback, as tests and a newcomer's first try use it. */
    public static ServerOptions loopback(int port, String tbc, int syncAcks, String adminToken) {
        return new ServerOptions(
                "127.0.0.1",
                port,
                "127.0.0.1:" + port,
                tbc,
                syncAcks,
                adminToken,
                NodeConfig.defaults(),
                StorageOptions.inMemory(),
                false,
                true);
    }

    public ServerOptions withNode(NodeConfig config) {
        return new ServerOptions(
                bindHost, port, advertise, tbc, syncAcks, adminToken, config, storage, noBootstrap, reflection);
    }

    public ServerOptions withStorage(StorageOptions newStorage, boolean newNoBootstrap) {
        return new ServerOptions(
                bindHost, port, advertise, tbc, syncAcks, adminToken, node, newStorage, newNoBootstrap, reflection);
    }

    public ServerOptions withReflection(boolean newReflection) {
        return new ServerOptions(
                bindHost, port, advertise, tbc, syncAcks, adminToken, node, storage, noBootstrap, newReflection);
    }
}
