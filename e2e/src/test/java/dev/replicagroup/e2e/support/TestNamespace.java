package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test its own namespace (created before, deleted after), so that no test sees another's objects.
 * On failure, everything needed to understand it is dumped to e2e/target/e2e-dumps/ before the namespace goes.
 * Tests register clean-up steps (helm uninstall of cluster-scoped objects) that run before the deletion. The
 * namespace enforces the restricted Pod Security Standard, so the operator (installed into it) and the replicas
 * run under it.
 */
public final class TestNamespace implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    public static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(TestNamespace.class);

    private final String name;
    private final List<Runnable> cleanups = new ArrayList<>();

    private TestNamespace(String name) {
        this.name = name;
    }

    /** For @ExtendWith: the instance made per test is the one kept in the JUnit store. */
    public TestNamespace() {
        this(null);
    }

    public String name() {
        return name;
    }

    public Cluster cluster() {
        return Cluster.get();
    }

    /** Runs after the test, before the namespace is deleted (last registered runs first). */
    public void onCleanup(Runnable cleanup) {
        cleanups.add(0, cleanup);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String method = context.getRequiredTestMethod()
                .getName()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
        String ns = "e2e-" + method.substring(0, Math.min(40, method.length())) + "-"
                + UUID.randomUUID().toString().substring(0, 5);
        Cluster.get()
                .client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ns)
                        .addToLabels("replicagroup.dev/e2e", "true")
                        // Every replica and operator pod of the suite must pass the strictest Pod Security Standard.
                        .addToLabels(POD_SECURITY_ENFORCE, "restricted")
                        .endMetadata()
                        .build())
                .create();
        context.getStore(STORE).put("ns", new TestNamespace(ns));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestNamespace ns = context.getStore(STORE).remove("ns", TestNamespace.class);
        if (ns == null) {
            return;
        }
        if (context.getExecutionException().isPresent()) {
            Diagnostics.dump(
                    Cluster.get(),
                    ns.name,
                    context.getRequiredTestClass().getSimpleName() + "."
                            + context.getRequiredTestMethod().getName());
        }
        for (Runnable cleanup : ns.cleanups) {
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                System.out.println("e2e: clean-up in " + ns.name + " failed: " + e.getMessage());
            }
        }
        if (!Boolean.getBoolean("e2e.keep-namespaces")) {
            Cluster.get().client().namespaces().withName(ns.name).delete();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(STORE).get("ns", TestNamespace.class);
    }
}
