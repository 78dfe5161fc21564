package dev.archway.operator.render;

import dev.archway.api.v1alpha1.GatewayCluster;
import java.util.Map;
import java.util.TreeMap;

/** Names and labels of the objects rendered for one GatewayCluster. */
public record GatewayNames(String cluster, String namespace) {

  /** Label with the GatewayCluster name on every owned object and gateway pod. */
  public static final String CLUSTER_LABEL = "archway.dev/cluster";
  /** Annotation on the config ConfigMap with the content-hash version of the document. */
  public static final String CONFIG_VERSION_ANNOTATION = "archway.dev/config-version";
  /** Label on config ConfigMaps: {@code manifest} (the one the gateway watches) or {@code shard}. */
  public static final String CONFIG_PART_LABEL = "archway.dev/config-part";
  /** Label on shard ConfigMaps with the config version they belong to. */
  public static final String CONFIG_VERSION_LABEL = "archway.dev/config-version";
  /** ConfigMap key of the rendered document when it is small enough to stay inline in the manifest. */
  public static final String CONFIG_KEY = "config.json";
  /** Label that only canary pods carry (value {@code canary}); stable pods have none. */
  public static final String TRACK_LABEL = "archway.dev/track";
  /** Port of health and metrics in gateway pods; never exposed by the Kubernetes Service. */
  public static final int MANAGEMENT_PORT = 9000;

  public static GatewayNames of(GatewayCluster cluster) {
    return new GatewayNames(cluster.getMetadata().getName(), cluster.getMetadata().getNamespace());
  }

  /** Deployment, Kubernetes Service, ServiceAccount, Role, RoleBinding and PDB share this name. */
  public String gateway() {
    return cluster + "-gateway";
  }

  /** The second Deployment of a canary upgrade, on the new image, behind the same Service. */
  public String canaryDeployment() {
    return gateway() + "-canary";
  }

  /** The manifest ConfigMap: a stable name, watched by the gateway pods. */
  public String configMap() {
    return cluster + "-config";
  }

  /** The ConfigMap holding shard {@code index} of config {@code version}. */
  public String configShard(String version, int index) {
    return cluster + "-config-" + version + "-" + index;
  }

  /** Labels that select the gateway pods of this cluster. */
  public Map<String, String> selector() {
    return new TreeMap<>(Map.of("app.kubernetes.io/name", "archway-gateway", CLUSTER_LABEL, cluster));
  }

  /** Labels for every object rendered for the cluster. */
  public Map<String, String> labels() {
    return new TreeMap<>(Map.of(
        "app.kubernetes.io/name", "archway-gateway",
        "app.kubernetes.io/instance", cluster,
        "app.kubernetes.io/managed-by", "archway-operator",
        CLUSTER_LABEL, cluster));
  }
}
