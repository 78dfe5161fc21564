package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Limits the canary pods' metrics must stay within, judged every interval. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.interval) || duration(self.interval) >= duration('1s')",
    message = "interval must be at least 1s")
public class CanaryAnalysisSpec {

  @JsonPropertyDescription(
      "Time between two judgements. The operator scrapes /q/metrics on the management port of"
          + " every ready gateway pod and judges the requests answered in between. Defaults to 30s.")
  @Pattern(Durations.PATTERN)
  private String interval;

  @JsonPropertyDescription(
      "Lowest share of canary answers that must not be 5xx, 0 to 1, e.g. 0.99. Below it the"
          + " canary is rolled back. Defaults to 0.99.")
  @Min(0)
  @Max(1)
  private Double minSuccessRate;

  @JsonPropertyDescription(
      "Highest 99th percentile of the canary's request latency, e.g. 500ms. Above it the canary"
          + " is rolled back. Measured from the gateway's histogram buckets (5ms up to 10s), so a"
          + " limit between two bucket bounds is judged by interpolation. Empty means latency is"
          + " not judged.")
  @Pattern(Durations.PATTERN)
  private String maxP99Latency;

  @JsonPropertyDescription(
      "Requests the canary pods must have answered in an interval before that interval is"
          + " judged; with fewer the interval is inconclusive and the steps go on. Defaults to 50.")
  @Min(0)
  @Max(1000000)
  private Integer minRequests;

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public Double getMinSuccessRate() {
    return minSuccessRate;
  }

  public void setMinSuccessRate(Double minSuccessRate) {
    this.minSuccessRate = minSuccessRate;
  }

  public String getMaxP99Latency() {
    return maxP99Latency;
  }

  public void setMaxP99Latency(String maxP99Latency) {
    this.maxP99Latency = maxP99Latency;
  }

  public Integer getMinRequests() {
    return minRequests;
  }

  public void setMinRequests(Integer minRequests) {
    this.minRequests = minRequests;
  }
}
