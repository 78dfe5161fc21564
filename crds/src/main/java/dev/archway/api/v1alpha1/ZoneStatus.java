package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Gateway pods in one zone. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ZoneStatus {

  @JsonPropertyDescription(
      "Zone of the pods' nodes (node label topology.kubernetes.io/zone); \"unknown\" for pods not yet"
          + " scheduled or on nodes without the label.")
  private String zone;

  @JsonPropertyDescription("Gateway pods in this zone that are not terminating.")
  private Integer replicas;

  @JsonPropertyDescription("Of those, pods whose Ready condition is True.")
  private Integer readyReplicas;

  public ZoneStatus() {}

  public ZoneStatus(String zone, int replicas, int readyReplicas) {
    this.zone = zone;
    this.replicas = replicas;
    this.readyReplicas = readyReplicas;
  }

  public String getZone() {
    return zone;
  }

  public void setZone(String zone) {
    this.zone = zone;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof ZoneStatus z && java.util.Objects.equals(zone, z.zone)
        && java.util.Objects.equals(replicas, z.replicas) && java.util.Objects.equals(readyReplicas, z.readyReplicas);
  }

  @Override
  public String toString() {
    return zone + ": " + readyReplicas + "/" + replicas + " ready";
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(zone, replicas, readyReplicas);
  }
}
