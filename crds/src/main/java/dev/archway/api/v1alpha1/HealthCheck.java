package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Active HTTP health checks of every target of a Service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheck {

  @JsonPropertyDescription("Path requested, e.g. /healthz.")
  @Required
  @Pattern("^/.*$")
  private String path;

  @JsonPropertyDescription("Time between checks of one target, e.g. 5s. Defaults to 5s.")
  @Pattern(Durations.PATTERN)
  private String interval;

  @JsonPropertyDescription("Time a check may take. Defaults to 1s.")
  @Pattern(Durations.PATTERN)
  private String timeout;

  @JsonPropertyDescription("Successes in a row that make an unhealthy target healthy. Defaults to 2.")
  @Min(1)
  @Max(100)
  private Integer healthyThreshold;

  @JsonPropertyDescription("Failures in a row that make a healthy target unhealthy. Defaults to 3.")
  @Min(1)
  @Max(100)
  private Integer unhealthyThreshold;

  @JsonPropertyDescription("Statuses or ranges that count as healthy, e.g. [\"200-399\"] (the default).")
  @Size(max = 16)
  private List<String> expectedStatuses = new ArrayList<>();

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public Integer getHealthyThreshold() {
    return healthyThreshold;
  }

  public void setHealthyThreshold(Integer healthyThreshold) {
    this.healthyThreshold = healthyThreshold;
  }

  public Integer getUnhealthyThreshold() {
    return unhealthyThreshold;
  }

  public void setUnhealthyThreshold(Integer unhealthyThreshold) {
    this.unhealthyThreshold = unhealthyThreshold;
  }

  public List<String> getExpectedStatuses() {
    return expectedStatuses;
  }

  public void setExpectedStatuses(List<String> expectedStatuses) {
    this.expectedStatuses = expectedStatuses;
  }
}
