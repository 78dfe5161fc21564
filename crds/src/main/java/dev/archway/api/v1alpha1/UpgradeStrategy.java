package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** How a change of the gateway pods (image, resources, listeners) reaches the running fleet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpgradeStrategy {

  /** The ways an upgrade can proceed. */
  public enum Type {
    Rolling,
    Canary
  }

  @JsonPropertyDescription(
      "Rolling replaces pods a few at a time as spec.upgrade.rolling allows; a new pod counts"
          + " only once it is ready, which for a gateway means it has applied the current config."
          + " Canary runs the new version beside the stable one first. Defaults to Rolling.")
  @Default("Rolling")
  private Type strategy = Type.Rolling;

  @JsonPropertyDescription("Pace of a Rolling upgrade.")
  private RollingUpgrade rolling;

  public Type getStrategy() {
    return strategy;
  }

  public void setStrategy(Type strategy) {
    this.strategy = strategy;
  }

  public RollingUpgrade getRolling() {
    return rolling;
  }

  public void setRolling(RollingUpgrade rolling) {
    this.rolling = rolling;
  }
}
