package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A Service (group archway.dev) in the Route's namespace, with its share of the traffic. */
public class BackendRef {

  @JsonPropertyDescription("Name of the Service (group archway.dev) in the Route's namespace.")
  @Required
  private String name;

  @JsonPropertyDescription("Relative share of the rule's requests. Defaults to 1.")
  @Min(0)
  @Max(1000000)
  private Integer weight = 1;

  public BackendRef() {}

  public BackendRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
