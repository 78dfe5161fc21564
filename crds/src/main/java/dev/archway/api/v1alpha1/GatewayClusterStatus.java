package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a gateway fleet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayClusterStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions: Ready (every desired pod is ready), Progressing (a rollout is under way),"
          + " ConfigSynced (every ready pod has applied configVersion), Degraded (routes left out of the"
          + " config, or pods that refused the config or cannot be asked which config they run).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Pods of the gateway Deployment.")
  private Integer replicas;

  @JsonPropertyDescription("Pods that pass their readiness probe.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Gateway pods and ready gateway pods per zone, sorted by zone.")
  private List<ZoneStatus> zones = new ArrayList<>();

  @JsonPropertyDescription(
      "Ready pods that report (on their readiness endpoint) that they have applied configVersion.")
  private Integer configSyncedReplicas;

  @JsonPropertyDescription("Gateway image the pods run (spec.image, or the operator's default).")
  private String image;

  @JsonPropertyDescription(
      "Content-hash version of the rendered routing config: the version every pod should apply.")
  private String configVersion;

  @JsonPropertyDescription(
      "Name of the ConfigMap the gateway pods watch: it holds the rendered config, or a manifest"
          + " naming the compressed shard ConfigMaps of a config too big for one ConfigMap.")
  private String configMapName;

  @JsonPropertyDescription("The latest canary upgrade, while it runs and after it ended.")
  private UpgradeStatus upgrade;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public List<ZoneStatus> getZones() {
    return zones;
  }

  public void setZones(List<ZoneStatus> zones) {
    this.zones = zones;
  }

  public Integer getConfigSyncedReplicas() {
    return configSyncedReplicas;
  }

  public void setConfigSyncedReplicas(Integer configSyncedReplicas) {
    this.configSyncedReplicas = configSyncedReplicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getConfigVersion() {
    return configVersion;
  }

  public void setConfigVersion(String configVersion) {
    this.configVersion = configVersion;
  }

  public String getConfigMapName() {
    return configMapName;
  }

  public void setConfigMapName(String configMapName) {
    this.configMapName = configMapName;
  }

  public UpgradeStatus getUpgrade() {
    return upgrade;
  }

  public void setUpgrade(UpgradeStatus upgrade) {
    this.upgrade = upgrade;
  }
}
