package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One step of a canary: a share of the pods on the new image, held for a while. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStep {

  @JsonPropertyDescription(
      "Percentage of the traffic for the canary, 1 to 100. It is realised as a share of the pods"
          + " behind the Kubernetes Service: the canary runs ceil(replicas * weight / 100) pods"
          + " and the stable Deployment the rest, so the real share moves in steps of"
          + " 100/replicas percent (with 3 replicas: 33, 67, 100; weight 10 still means one pod,"
          + " 33 %).")
  @Required
  @Min(1)
  @Max(100)
  private Integer weight;

  @JsonPropertyDescription(
      "How long the step holds once its canary pods are ready, e.g. 2m. Defaults to 1m.")
  @Pattern(Durations.PATTERN)
  private String pause;

  public CanaryStep() {}

  public CanaryStep(int weight, String pause) {
    this.weight = weight;
    this.pause = pause;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public String getPause() {
    return pause;
  }

  public void setPause(String pause) {
    this.pause = pause;
  }
}
