package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/** Desired state of a gateway fleet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayClusterSpec {

  @JsonPropertyDescription("Number of gateway pods. Defaults to 3, one per zone.")
  @Default("3")
  @Min(0)
  @Max(1000)
  private Integer replicas = 3;

  @JsonPropertyDescription(
      "Container image of the gateway pods. Empty means the image the operator was"
          + " configured with (ARCHWAY_GATEWAY_IMAGE).")
  private String image;

  @JsonPropertyDescription(
      "Zones (values of topology.kubernetes.io/zone) the pods are spread over. Empty means"
          + " every zone the scheduler finds.")
  private List<String> zones = new ArrayList<>();

  @JsonPropertyDescription(
      "Proxy listeners. Each opens a port on every gateway pod and on the Kubernetes Service."
          + " Defaults to one HTTP listener on port 8080.")
  private List<Listener> listeners = new ArrayList<>();

  @JsonPropertyDescription(
      "Largest number of gateway pods that a voluntary disruption (node drain) may take down"
          + " at once. Defaults to 1.")
  @Default("1")
  @Min(0)
  private Integer maxUnavailable = 1;

  @JsonPropertyDescription("Compute resources of each gateway container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription(
      "How a change of the pods (a new spec.image, resources or listeners) is rolled out: Rolling"
          + " (the default, maxUnavailable 0 and maxSurge 1), or a metric-gated Canary for a new spec.image.")
  private UpgradeStrategy upgrade;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<String> getZones() {
    return zones;
  }

  public void setZones(List<String> zones) {
    this.zones = zones;
  }

  public List<Listener> getListeners() {
    return listeners;
  }

  public void setListeners(List<Listener> listeners) {
    this.listeners = listeners;
  }

  public Integer getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(Integer maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public UpgradeStrategy getUpgrade() {
    return upgrade;
  }

  public void setUpgrade(UpgradeStrategy upgrade) {
    this.upgrade = upgrade;
  }
}
