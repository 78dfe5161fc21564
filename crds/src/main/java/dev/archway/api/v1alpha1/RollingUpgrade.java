package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Pace of a rolling upgrade, in pods; rendered into the Deployment's RollingUpdate strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.maxSurge > 0 || self.maxUnavailable > 0",
    message = "maxSurge and maxUnavailable cannot both be 0: the upgrade could never start")
public class RollingUpgrade {

  public static final int DEFAULT_MAX_UNAVAILABLE = 0;
  public static final int DEFAULT_MAX_SURGE = 1;

  @JsonPropertyDescription(
      "Most pods that may be not ready during the upgrade, below spec.replicas. Defaults to 0:"
          + " the fleet never serves with fewer ready pods than asked for.")
  @Default("0")
  @Min(0)
  @Max(1000)
  private Integer maxUnavailable = DEFAULT_MAX_UNAVAILABLE;

  @JsonPropertyDescription(
      "Most pods that may run above spec.replicas during the upgrade; each new pod must be ready"
          + " (its config applied) before an old one is stopped. Defaults to 1.")
  @Default("1")
  @Min(0)
  @Max(1000)
  private Integer maxSurge = DEFAULT_MAX_SURGE;

  public Integer getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(Integer maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public Integer getMaxSurge() {
    return maxSurge;
  }

  public void setMaxSurge(Integer maxSurge) {
    this.maxSurge = maxSurge;
  }
}
