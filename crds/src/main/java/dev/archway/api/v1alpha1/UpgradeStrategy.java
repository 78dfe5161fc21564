package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How a change of the gateway pods (image, resources, listeners) reaches the running fleet: a
 * rolling update or, for a new image, a metric-gated canary.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.strategy) || self.strategy != 'Canary' || has(self.canary)",
    message = "strategy Canary needs spec.upgrade.canary with at least one step")
public class UpgradeStrategy {

  /** The upgrade strategies. */
  public enum Strategy {
    Rolling,
    Canary
  }

  @JsonPropertyDescription(
      "Rolling replaces pods a few at a time as spec.upgrade.rolling allows; a new pod counts"
          + " only once it is ready, which for a gateway means it has applied the current config."
          + " Canary moves traffic to a new spec.image in steps (spec.upgrade.canary), judging it"
          + " from the pods' metrics, and promotes it or rolls it back by itself. Defaults to Rolling.")
  @Default("Rolling")
  private Strategy strategy = Strategy.Rolling;

  @JsonPropertyDescription("Pace of a Rolling upgrade (also used when a Canary promotes the stable pods).")
  private RollingUpgrade rolling;

  @JsonPropertyDescription(
      "Holds a running Canary upgrade at its current step: no step is taken while true (the"
          + " analysis keeps running and still rolls a failing canary back). Setting it back to"
          + " false resumes, and the current step's pause starts again. To abort a canary, annotate"
          + " the GatewayCluster with archway.dev/abort-upgrade=true.")
  private Boolean paused;

  @JsonPropertyDescription("Steps and analysis of the Canary strategy.")
  private CanaryStrategy canary;

  public Strategy getStrategy() {
    return strategy;
  }

  public void setStrategy(Strategy strategy) {
    this.strategy = strategy;
  }

  public RollingUpgrade getRolling() {
    return rolling;
  }

  public void setRolling(RollingUpgrade rolling) {
    this.rolling = rolling;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public CanaryStrategy getCanary() {
    return canary;
  }

  public void setCanary(CanaryStrategy canary) {
    this.canary = canary;
  }
}
