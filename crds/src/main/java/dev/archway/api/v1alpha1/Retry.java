package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Retries of idempotent requests, bounded by a budget so they cannot amplify an outage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Retry {

  @JsonPropertyDescription("Retries after the first try. Defaults to 2.")
  @Min(0)
  @Max(10)
  private Integer attempts;

  @JsonPropertyDescription("Time one try may take, e.g. 2s. Empty means no per-try limit.")
  @Pattern(Durations.PATTERN)
  private String perTryTimeout;

  @JsonPropertyDescription("Upstream statuses that are retried. Defaults to [502, 503, 504].")
  @Size(max = 16)
  private List<Integer> retryOn = new ArrayList<>();

  @JsonPropertyDescription("Retries may add at most this share of the active requests. Defaults to 20.")
  @Min(0)
  @Max(100)
  private Integer budgetPercent;

  @JsonPropertyDescription("Retries per second always allowed, whatever the budget. Defaults to 3.")
  @Min(0)
  @Max(10000)
  private Integer minRetriesPerSecond;

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getPerTryTimeout() {
    return perTryTimeout;
  }

  public void setPerTryTimeout(String perTryTimeout) {
    this.perTryTimeout = perTryTimeout;
  }

  public List<Integer> getRetryOn() {
    return retryOn;
  }

  public void setRetryOn(List<Integer> retryOn) {
    this.retryOn = retryOn;
  }

  public Integer getBudgetPercent() {
    return budgetPercent;
  }

  public void setBudgetPercent(Integer budgetPercent) {
    this.budgetPercent = budgetPercent;
  }

  public Integer getMinRetriesPerSecond() {
    return minRetriesPerSecond;
  }

  public void setMinRetriesPerSecond(Integer minRetriesPerSecond) {
    this.minRetriesPerSecond = minRetriesPerSecond;
  }
}
