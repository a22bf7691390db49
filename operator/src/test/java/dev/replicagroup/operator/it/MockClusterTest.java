package dev.replicagroup.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The set-up every operator integration test class shares: a {@link MockCluster} over the operator's mock API
 * server, made once per class (the classes run with {@code TestInstance.Lifecycle.PER_CLASS}).
 */
abstract class MockClusterTest {
    /** The operator's client: the cluster's own client is made from its configuration. */
    @Inject
    KubernetesClient operatorClient;

    MockCluster cluster;

    @BeforeAll
    void startKubelet() {
        cluster = new MockCluster(operatorClient);
    }

    @AfterAll
    void stopKubelet() {
        cluster.close();
    }
}
