package dev.replicagroup.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/modules.md, over the main classes of every module (tests may cross them: the
 * operator's tests run real replica servers).
 *
 * <p>Why ArchUnit and not the Maven enforcer: Maven already refuses an undeclared module dependency at compile
 * time; what it cannot see is what a module does with what it may reach (core touching a thread or the clock,
 * a package cycle inside a module), and ArchUnit reads exactly that from the bytecode.
 */
class DependencyRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importTheMainClassesOfEveryModule() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.replicagroup");
    }

    // The packages of each module.
    static final String[] CORE = {"dev.replicagroup.replica.core..", "dev.replicagroup.replica.failover.."};
    static final String[] API = {"dev.replicagroup.replica.grpc.v1.."};
    static final String[] CLIENT = {
        "dev.replicagroup.replica.status..",
        "dev.replicagroup.replica.grpc",
        "dev.replicagroup.replica.client..",
        "dev.replicagroup.replica.load.."
    };
    static final String[] STORAGE = {"dev.replicagroup.replica.storage.."};
    static final String[] SERVER = {
        "dev.replicagroup.replica.replication..",
        "dev.replicagroup.replica.service..",
        "dev.replicagroup.replica.server.."
    };
    static final String[] APP = {"dev.replicagroup.replica.cli.."};
    static final String[] OPERATOR = {"dev.replicagroup.operator.."};

    /** The module graph: who may use whom. The operator never reaches into the server or the app. */
    static final ArchRule modules = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("core")
            .definedBy(CORE)
            .layer("api")
            .definedBy(API)
            .layer("client")
            .definedBy(CLIENT)
            .layer("storage")
            .definedBy(STORAGE)
            .layer("server")
            .definedBy(SERVER)
            .layer("app")
            .definedBy(APP)
            .layer("operator")
            .definedBy(OPERATOR)
            .whereLayer("core")
            .mayNotAccessAnyLayer()
            .whereLayer("api")
            .mayNotAccessAnyLayer()
            .whereLayer("client")
            .mayOnlyAccessLayers("core", "api")
            .whereLayer("storage")
            .mayOnlyAccessLayers("core")
            .whereLayer("server")
            .mayOnlyAccessLayers("core", "api", "client", "storage")
            .whereLayer("app")
            .mayOnlyAccessLayers("core", "api", "client", "storage", "server")
            .whereLayer("operator")
            .mayOnlyAccessLayers("core", "api", "client")
            .whereLayer("storage")
            .mayOnlyBeAccessedByLayers("server", "app")
            .whereLayer("server")
            .mayOnlyBeAccessedByLayers("app")
            .whereLayer("app")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("operator")
            .mayNotBeAccessedByAnyLayer();

    /**
     * Core is the deterministic protocol the simulation drives: plain Java collections, nothing of gRPC, Netty,
     * Quarkus, logging or the other modules.
     */
    static final ArchRule coreIsPlainJava = classes()
            .that()
            .resideInAnyPackage(CORE)
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java.lang..",
                    "java.util..",
                    "dev.replicagroup.replica.core..",
                    "dev.replicagroup.replica.failover..")
            .because("replica-core must run the same way under the seeded simulation as in a server");

    /** ...and no threads, executors, locks, atomics, clock or randomness: time and order come in as inputs. */
    static final ArchRule coreHasNoThreadsClockOrRandomness = noClasses()
            .that()
            .resideInAnyPackage(CORE)
            .should()
            .dependOnClassesThat(resideInAPackage("java.util.concurrent..")
                    .or(describe(
                            "are threads",
                            (JavaClass c) -> c.isAssignableTo(Thread.class)
                                    || c.isAssignableTo(ThreadGroup.class)
                                    || c.isAssignableTo(ThreadLocal.class)))
                    .or(describe("are randomness", (JavaClass c) -> c.isAssignableTo(java.util.Random.class))))
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .because("the state machine is stepped and ticked by its driver (ReplicaNode, the simulation)");

    /**
     * Storage is files and checksums over the core's types: java.nio and java.util.zip, no gRPC, Netty, Quarkus or
     * logging (what recovery dropped is returned for the server to log), so it is tested without a server.
     */
    static final ArchRule storageIsPlainJava = classes()
            .that()
            .resideInAnyPackage(STORAGE)
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java.lang..",
                    "java.util..",
                    "java.io..",
                    "java.nio..",
                    "dev.replicagroup.replica.core..",
                    "dev.replicagroup.replica.storage..")
            .because("replica-storage is the file formats and their I/O, nothing else");

    /** No package of the replica modules is part of a cycle (a cycle across modules Maven refuses already). */
    static final ArchRule noCyclesInTheReplica =
            slices().matching("dev.replicagroup.replica.(**)").should().beFreeOfCycles();

    /** No package of the operator is part of a cycle. */
    static final ArchRule noCyclesInTheOperator =
            slices().matching("dev.replicagroup.operator.(**)").should().beFreeOfCycles();

    @Test
    void modules() {
        modules.check(classes);
    }

    @Test
    void coreIsPlainJava() {
        coreIsPlainJava.check(classes);
    }

    @Test
    void storageIsPlainJava() {
        storageIsPlainJava.check(classes);
    }

    @Test
    void coreHasNoThreadsClockOrRandomness() {
        coreHasNoThreadsClockOrRandomness.check(classes);
    }

    @Test
    void noCyclesInTheReplica() {
        noCyclesInTheReplica.check(classes);
    }

    @Test
    void noCyclesInTheOperator() {
        noCyclesInTheOperator.check(classes);
    }
}
