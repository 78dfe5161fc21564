package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Passive ejection: targets that fail live traffic are taken out for a while. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutlierDetection {

  @JsonPropertyDescription("5xx responses or connect failures in a row that eject a target. Defaults to 5.")
  @Min(1)
  @Max(1000)
  private Integer consecutiveFailures;

  @JsonPropertyDescription("First ejection time; doubles with each ejection in a row. Defaults to 30s.")
  @Pattern(Durations.PATTERN)
  private String baseEjectionTime;

  @JsonPropertyDescription("Longest ejection time. Defaults to 5m.")
  @Pattern(Durations.PATTERN)
  private String maxEjectionTime;

  @JsonPropertyDescription("At most this share of the targets is ejected at once. Defaults to 50.")
  @Min(0)
  @Max(100)
  private Integer maxEjectedPercent;

  public Integer getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Integer consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }

  public String getBaseEjectionTime() {
    return baseEjectionTime;
  }

  public void setBaseEjectionTime(String baseEjectionTime) {
    this.baseEjectionTime = baseEjectionTime;
  }

  public String getMaxEjectionTime() {
    return maxEjectionTime;
  }

  public void setMaxEjectionTime(String maxEjectionTime) {
    this.maxEjectionTime = maxEjectionTime;
  }

  public Integer getMaxEjectedPercent() {
    return maxEjectedPercent;
  }

  public void setMaxEjectedPercent(Integer maxEjectedPercent) {
    this.maxEjectedPercent = maxEjectedPercent;
  }
}
