package dev.replicagroup.operator.it;

import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.resources.Secrets;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.replication.NodeConfig;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.server.TlsOptions;
import dev.replicagroup.replica.status.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Plays the kubelet for the mock API server, which has none: for every replica pod the operator creates it
 * starts a real replica (in this JVM, on a free loopback port, with the pod's --tbc, --sync-acks and timing), writes
 * that port into the pod's {@code grpc} container port (real pods all use 7000 on their own IP), and keeps the
 * pod's status the way a kubelet's gRPC readiness probe would: Ready while the replica serves (a primary, or a
 * caught-up helper). Deleted pods' replicas are stopped.
 */
final class FakeKubelet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FakeKubelet.class);
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, ReplicaServer> servers = new ConcurrentHashMap<>();
    private final Map<String, String> uids = new ConcurrentHashMap<>();
    /** Pods whose readiness probe the test forces to fail. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Pods whose node is lost: nobody updates their status any more. */
    private final Set<String> stale = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    @SuppressWarnings("FutureReturnValueIgnored") // syncSafely() catches and logs; close() ends the loop
    FakeKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        loop.scheduleWithFixedDelay(this::syncSafely, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** The replica of a pod dies (the process crashes; the pod object stays, NotReady). */
    void crash(String pod) {
        failing.add(pod);
        ReplicaServer server = servers.get(pod);
        if (server != null) {
            server.close();
        }
    }

    /**
     * The pod's node is lost: its replica is gone from the network, and its pod status goes stale (it stays
     * Ready, as the API server keeps it until the node controller's grace period ends).
     */
    void loseNode(String pod) {
        stale.add(pod);
        ReplicaServer server = servers.get(pod);
        if (server != null) {
            server.close();
        }
    }

    ReplicaServer server(String pod) {
        return servers.get(pod);
    }

    private void syncSafely() {
        try {
            sync();
        } catch (RuntimeException e) {
            LOG.warnf("fake kubelet: %s", e.toString());
        }
    }

    private void sync() {
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
        Set<String> present = ConcurrentHashMap.newKeySet();
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            present.add(name);
            if (!pod.getMetadata().getUid().equals(uids.get(name))) {
                stop(name);
                start(pod);
            }
            updateReadiness(name);
        }
        for (String name : Set.copyOf(servers.keySet())) {
            if (!present.contains(name)) {
                stop(name);
            }
        }
    }

    private void start(Pod pod) {
        String name = pod.getMetadata().getName();
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        String tbc = arg(args, "--tbc", "");
        int syncAcks = Integer.parseInt(arg(args, "--sync-acks", "0"));
        String group = pod.getMetadata().getLabels().get("replicagroup.dev/group");
        var secret = client.secrets()
                .inNamespace(namespace)
                .withName(Names.tokenSecret(group))
                .get();
        int port = freePort();
        try {
            ServerOptions options = ServerOptions.loopback(port, tbc, syncAcks, Secrets.token(secret));
            NodeConfig node = options.node()
                    .withTiming(
                            millis(args, "--heartbeat-ms", options.node().heartbeat()),
                            millis(args, "--lease-ms", options.node().lease()),
                            millis(args, "--detection-ms", options.node().detection()),
                            millis(args, "--clock-drift-ms", options.node().clockDrift()));
            Optional<String> tls = ReplicaPods.tlsSecret(pod);
            if (tls.isPresent()) {
                options = options.withTls(tlsFiles(name, tls.get(), arg(args, "--tls-peer-name", "")), 0);
            }
            servers.put(name, ReplicaServer.start(options.withNode(node)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        uids.put(name, pod.getMetadata().getUid());
        failing.remove(name);
        stale.remove(name);
        client.pods().inNamespace(namespace).withName(name).edit(p -> {
            p.getSpec().getContainers().get(0).getPorts().stream()
                    .filter(cp -> ReplicaPods.GRPC_PORT_NAME.equals(cp.getName()))
                    .forEach(cp -> cp.setContainerPort(port));
            return p;
        });
        setStatus(name, false);
        LOG.infof("fake kubelet: started %s on 127.0.0.1:%d (tbc '%s')", name, port, tbc);
    }

    private void updateReadiness(String name) {
        if (stale.contains(name)) {
            return;
        }
        ReplicaServer server = servers.get(name);
        boolean ready = false;
        if (server != null && !failing.contains(name)) {
            // What the replica's grpc.health.v1 service answers the kubelet's probe.
            NodeStatus status = server.node().view();
            ready = status.role() != Role.FENCED && status.caughtUp();
        }
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        boolean wasReady = pod != null
                && pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        if (pod != null && wasReady != ready) {
            setStatus(name, ready);
        }
    }

    private void setStatus(String name, boolean ready) {
        try {
            client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                p.setStatus(new PodStatusBuilder()
                        .withPhase("Running")
                        .withPodIP("127.0.0.1")
                        .withConditions(new PodConditionBuilder()
                                .withType("Ready")
                                .withStatus(ready ? "True" : "False")
                                .withLastTransitionTime(Instant.now().toString())
                                .build())
                        .build());
                return p;
            });
        } catch (KubernetesClientException e) {
            LOG.debugf("fake kubelet: status of %s: %s", name, e.getMessage());
        }
    }

    private void stop(String name) {
        ReplicaServer server = servers.remove(name);
        uids.remove(name);
        if (server != null) {
            server.close();
            LOG.infof("fake kubelet: stopped %s", name);
        }
    }

    /**
     * The pod's TLS Secret written to files, as the kubelet mounts it: read once, at start (no rotation here; the
     * e2e TlsIT covers the kubelet's updates).
     */
    private TlsOptions tlsFiles(String pod, String secretName, String peerName) throws IOException {
        Secret secret =
                client.secrets().inNamespace(namespace).withName(secretName).get();
        if (secret == null) {
            throw new IOException("pod " + pod + " mounts TLS Secret " + secretName + ", which does not exist");
        }
        Path dir = Files.createTempDirectory(pod + "-tls");
        for (String key : GroupTls.POD_KEYS) {
            Files.write(
                    dir.resolve(key),
                    Base64.getDecoder().decode(secret.getData().get(key)));
        }
        return new TlsOptions(
                dir.resolve(GroupTls.TLS_CRT), dir.resolve(GroupTls.TLS_KEY), dir.resolve(GroupTls.CA_CRT), peerName);
    }

    private static Duration millis(List<String> args, String flag, Duration otherwise) {
        return Duration.ofMillis(Long.parseLong(arg(args, flag, Long.toString(otherwise.toMillis()))));
    }

    private static String arg(List<String> args, String flag, String otherwise) {
        int at = args.indexOf(flag);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : otherwise;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        servers.keySet().forEach(this::stop);
    }
}
