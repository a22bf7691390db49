package dev.replicagroup.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What the user asks for. Every field has a schema rule; fields that constrain each other have CEL rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.syncAcks < self.replicas",
        message =
                "syncAcks must be less than replicas: the primary waits for syncAcks helpers, and there are replicas - 1")
@ValidationRule(
        value = "has(self.storage) == has(oldSelf.storage)",
        message = "storage cannot be added to or removed from an existing ReplicaGroup: its members' data lives in"
                + " memory or on volumes for the group's whole life; create a new ReplicaGroup instead")
@ValidationRule(
        value = "(has(self.tls) && self.tls.enabled) == (has(oldSelf.tls) && oldSelf.tls.enabled)",
        message = "tls.enabled cannot be changed on an existing ReplicaGroup: a member with TLS cannot replicate"
                + " from one without it, nor the other way, so no rolling update can move the group between them;"
                + " create a new ReplicaGroup with the setting you want and move the data to it")
public class ReplicaGroupSpec {
    public static final String ROLLING_UPDATE = "RollingUpdate";
    public static final String ON_DELETE = "OnDelete";

    /** An image reference: lower-case repository, then an optional tag or digest (SpecCheck checks it too). */
    public static final String IMAGE_PATTERN = "^[a-z0-9]([-a-zA-Z0-9._/:@]*[a-zA-Z0-9])?$";

    public static final int IMAGE_MAX_LENGTH = 512;
    static final String IMAGE_RULE = "image must be an image reference such as replicagroup/replica:0.1.0"
            + " (a lower-case repository, then an optional :tag or @sha256:digest, no spaces); leave image out"
            + " for the operator's default";

    @SpecReplicas
    @Min(1)
    @Max(15)
    @Default("3")
    @JsonPropertyDescription("How many replicas: one primary and replicas - 1 helpers.")
    private int replicas = 3;

    // Repositories are lower case; tags and digests need not be (0.1.0-SNAPSHOT, the default image's own tag).
    // A CEL rule rather than a pattern, for a message that says what an image reference looks like.
    @Size(max = IMAGE_MAX_LENGTH)
    @ValidationRule(value = "self.matches('" + IMAGE_PATTERN + "')", message = IMAGE_RULE)
    @JsonPropertyDescription(
            "The replica image; the operator's default (replicagroup/replica:<operator version>) when empty.")
    private String image;

    @Pattern("^(Always|IfNotPresent|Never)$")
    @Default("IfNotPresent")
    @JsonPropertyDescription("Pull policy of the replica image.")
    private String imagePullPolicy = "IfNotPresent";

    @Min(0)
    @Max(14)
    @Default("1")
    @JsonPropertyDescription(
            "How many helpers must hold a write before the primary acknowledges it (0 = async, may lose the last writes).")
    private int syncAcks = 1;

    // Its quantities get their rules from QuantityRules: the generator cannot annotate a map's values.
    @JsonPropertyDescription("CPU and memory of each replica container. Where it names neither a request nor a"
            + " limit for cpu (memory), the replica requests 50m (128Mi): a replica without a CPU request gets the"
            + " kernel's smallest share and, whenever the node is busy, misses heartbeats and is failed over.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Timing of the gRPC readiness probe that drives failure detection.")
    private ProbeSpec readinessProbe = new ProbeSpec();

    @JsonPropertyDescription("Automatic failover of the primary.")
    private FailoverSpec failover = new FailoverSpec();

    @JsonPropertyDescription("Reads from helpers with bounded staleness (the <group>-read Service).")
    private ReadsSpec reads = new ReadsSpec();

    @JsonPropertyDescription("Node labels a replica pod must match.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the replica pods.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Affinity of the replica pods; when empty, replicas prefer different nodes.")
    private Affinity affinity;

    @Pattern("^(ClusterIP|NodePort|LoadBalancer)$")
    @Default("ClusterIP")
    @JsonPropertyDescription("Type of the Service that points at the primary.")
    private String serviceType = "ClusterIP";

    @JsonPropertyDescription("A volume per member, so members keep their data when their pods go (docs/storage.md);"
            + " without it every replica is in memory only. Cannot be added or removed later.")
    private StorageSpec storage;

    @Pattern("^(RollingUpdate|OnDelete)$")
    @Default("RollingUpdate")
    @JsonPropertyDescription("How pods move to a changed pod template (image, resources, probes, syncAcks, failover"
            + " timing, scheduling): RollingUpdate replaces the helpers one at a time, each once the last one's"
            + " replacement is Ready and caught up, then moves the primary by one switchover and replaces it;"
            + " OnDelete replaces a pod only when it is deleted. The annotation replicagroup.dev/update-paused=true"
            + " holds a RollingUpdate.")
    private String updateStrategy = ROLLING_UPDATE;

    @JsonPropertyDescription("TLS for clients and mutual TLS between members; off when empty (docs/security.md)."
            + " tls.enabled cannot be changed later.")
    private TlsSpec tls;

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public int getSyncAcks() {
        return syncAcks;
    }

    public void setSyncAcks(int syncAcks) {
        this.syncAcks = syncAcks;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public ProbeSpec getReadinessProbe() {
        return readinessProbe;
    }

    public void setReadinessProbe(ProbeSpec readinessProbe) {
        this.readinessProbe = readinessProbe;
    }

    public ReadsSpec getReads() {
        return reads;
    }

    public void setReads(ReadsSpec reads) {
        this.reads = reads;
    }

    public FailoverSpec getFailover() {
        return failover;
    }

    public void setFailover(FailoverSpec failover) {
        this.failover = failover;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public String getServiceType() {
        return serviceType;
    }

    public void setServiceType(String serviceType) {
        this.serviceType = serviceType;
    }

    public String getUpdateStrategy() {
        return updateStrategy;
    }

    public void setUpdateStrategy(String updateStrategy) {
        this.updateStrategy = updateStrategy;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public TlsSpec getTls() {
        return tls;
    }

    public void setTls(TlsSpec tls) {
        this.tls = tls;
    }
}
