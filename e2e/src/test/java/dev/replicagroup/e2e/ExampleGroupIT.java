package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.Endpoint;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.TestNamespace;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetResponse;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kubectl apply of the README's example: pods Ready, `kubectl get rg` columns, the Services' endpoints. */
@ExtendWith(TestNamespace.class)
class ExampleGroupIT {

    @Test
    void exampleRunsWithOnePrimaryBehindItsService(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        GroupStatus status = deployed.status();
        String primary = status.currentPrimary();

        assertTrue(status.term() >= 1, "a term is set: " + status);
        Map<String, String> row = getRg(group);
        assertEquals(primary, row.get("PRIMARY"), "kubectl get rg shows the primary");
        assertEquals(Long.toString(status.term()), row.get("TERM"), "kubectl get rg shows the term");
        assertEquals("3/3", row.get("READY"), "kubectl get rg shows every replica Ready");

        List<Pod> pods = group.pods();
        for (Pod pod : pods) {
            String expected = pod.getMetadata().getName().equals(primary) ? "primary" : "helper";
            assertEquals(
                    expected,
                    pod.getMetadata().getLabels().get(Group.ROLE_LABEL),
                    pod.getMetadata().getName());
        }
        List<Endpoint> endpoints = group.endpoints(group.name());
        assertEquals(
                List.of(primary),
                endpoints.stream().map(Endpoint::pod).toList(),
                "the primary Service's EndpointSlices name exactly the primary: " + endpoints);
        assertEquals(
                pods.stream()
                        .filter(p -> p.getMetadata().getName().equals(primary))
                        .findFirst()
                        .orElseThrow()
                        .getStatus()
                        .getPodIP(),
                endpoints.get(0).address());
        assertEquals(
                pods.stream()
                        .map(p -> p.getMetadata().getName())
                        .filter(n -> !n.equals(primary))
                        .sorted()
                        .toList(),
                group.endpoints(group.name() + "-read").stream()
                        .map(Endpoint::pod)
                        .sorted()
                        .toList(),
                "the read Service selects the helpers");

        // What a client in the cluster would do: write and read back through the primary Service.
        try (ReplicaClient client = ReplicaClient.connect(List.of(group.primaryServiceAddress()))) {
            client.put("e2e-greeting", "hello".getBytes(StandardCharsets.UTF_8));
            Optional<byte[]> read = client.get(List.of("e2e-greeting")).get("e2e-greeting");
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), read.orElse(null));
        }

        // A read with bounded staleness through the read Service: a helper answers (its state's age is above 0,
        // the primary's is 0), and the write, acknowledged longer ago than the bound, is in it.
        Thread.sleep(1500);
        try (Channels channels = new Channels()) {
            GetResponse answer = CloneGrpc.newBlockingStub(channels.to(group.serviceAddress(group.name() + "-read")))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .get(GetRequest.newBuilder()
                            .addKeys("e2e-greeting")
                            .setMaxStalenessMillis(1000)
                            .build());
            assertEquals("hello", answer.getValues(0).getValue().toStringUtf8());
            assertTrue(
                    answer.getStalenessMillis() > 0 && answer.getStalenessMillis() <= 1000,
                    "answered by a helper within the bound: " + answer.getStalenessMillis() + " ms");
        }
    }

    /** The columns of `kubectl get rg <name>` by header, in this order: NAME READY PRIMARY TERM PHASE AGE. */
    private static Map<String, String> getRg(Group group) {
        List<String> lines =
                group.kubectlOutput("get", "rg", group.name()).lines().toList();
        assertEquals(2, lines.size(), "a header and one row: " + lines);
        String[] header = lines.get(0).trim().split("\\s+", -1);
        String[] row = lines.get(1).trim().split("\\s+", -1);
        assertEquals(header.length, row.length, "every column has a value: " + lines);
        Map<String, String> columns = new java.util.HashMap<>();
        for (int i = 0; i < header.length; i++) {
            columns.put(header[i], row[i]);
        }
        assertEquals(
                List.of("NAME", "READY", "PRIMARY", "TERM", "PHASE", "AGE"),
                Arrays.asList(header),
                "columns: " + lines);
        return columns;
    }
}
