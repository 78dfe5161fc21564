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
  /** ConfigMap key of the rendered document. */
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

  public String configMap() {
    return cluster + "-config";
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
