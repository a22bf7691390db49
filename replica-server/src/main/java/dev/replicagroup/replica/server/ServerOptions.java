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
 * @param tls         TLS on the port and mutual TLS between members, or none
 * @param healthPort  a second, plaintext port serving only grpc.health.v1 (the kubelet's gRPC probe speaks no
 *     TLS); 0 for none
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
        boolean reflection,
        TlsOptions tls,
        int healthPort) {

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
        if (healthPort != 0 && (healthPort < 1 || healthPort > 65535 || healthPort == port)) {
            throw new IllegalArgumentException(
                    "--health-port must be between 1 and 65535 and differ from --port, got " + healthPort);
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
                true,
                TlsOptions.none(),
                0);
    }

    public ServerOptions withNode(NodeConfig config) {
        return new ServerOptions(
                bindHost,
                port,
                advertise,
                tbc,
                syncAcks,
                adminToken,
                config,
                storage,
                noBootstrap,
                reflection,
                tls,
                healthPort);
    }

    public ServerOptions withStorage(StorageOptions newStorage, boolean newNoBootstrap) {
        return new ServerOptions(
                bindHost,
                port,
                advertise,
                tbc,
                syncAcks,
                adminToken,
                node,
                newStorage,
                newNoBootstrap,
                reflection,
                tls,
                healthPort);
    }

    public ServerOptions withReflection(boolean newReflection) {
        return new ServerOptions(
                bindHost,
                port,
                advertise,
                tbc,
                syncAcks,
                adminToken,
                node,
                storage,
                noBootstrap,
                newReflection,
                tls,
                healthPort);
    }

    public ServerOptions withTls(TlsOptions newTls, int newHealthPort) {
        return new ServerOptions(
                bindHost,
                port,
                advertise,
                tbc,
                syncAcks,
                adminToken,
                node,
                storage,
                noBootstrap,
                reflection,
                newTls,
                newHealthPort);
    }
}
