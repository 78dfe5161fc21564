package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Where a canary upgrade stands; together with the two Deployments it is all the state there is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpgradeStatus {

  @JsonPropertyDescription(
      "Progressing (steps under way), Paused (spec.upgrade.paused), Promoting (the stable"
          + " Deployment takes the new image), Promoted, RolledBack (the analysis failed; the"
          + " stable image serves again until spec.image changes), Aborted (by the"
          + " archway.dev/abort-upgrade annotation or by spec.image going back to the stable image).")
  private String phase;

  @JsonPropertyDescription("Image of the stable Deployment when the canary started.")
  private String stableImage;

  @JsonPropertyDescription("Image under test: the spec.image the canary was started for.")
  private String canaryImage;

  @JsonPropertyDescription("Current step, 1-based, of steps.")
  private Integer step;

  @JsonPropertyDescription("Number of steps of the canary.")
  private Integer steps;

  @JsonPropertyDescription("Weight of the current step in percent.")
  private Integer weight;

  @JsonPropertyDescription("Pods the canary Deployment is asked for.")
  private Integer canaryReplicas;

  @JsonPropertyDescription("Pods the stable Deployment is asked for.")
  private Integer stableReplicas;

  @JsonPropertyDescription(
      "When the current step's canary pods were all ready and its pause began; empty while they"
          + " start.")
  private String stepStartedAt;

  @JsonPropertyDescription(
      "Since when the current step waits for its canary pods to be ready; empty once they are."
          + " Waiting longer than spec.upgrade.canary.progressDeadline rolls the canary back.")
  private String waitingSince;

  @JsonPropertyDescription("The latest judgement of the canary.")
  private Analysis lastAnalysis;

  @JsonPropertyDescription("What happened last, in words.")
  private String message;

  /** One judgement: the numbers of both tracks over one interval and the verdict. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Analysis {
    @JsonPropertyDescription("When the interval ended.")
    private String time;

    @JsonPropertyDescription("Passed, Failed or Inconclusive (too few canary requests).")
    private String verdict;

    @JsonPropertyDescription("Canary pods' numbers over the interval.")
    private TrackNumbers canary;

    @JsonPropertyDescription("Stable pods' numbers over the interval, for comparison.")
    private TrackNumbers stable;

    public String getTime() {
      return time;
    }

    public void setTime(String time) {
      this.time = time;
    }

    public String getVerdict() {
      return verdict;
    }

    public void setVerdict(String verdict) {
      this.verdict = verdict;
    }

    public TrackNumbers getCanary() {
      return canary;
    }

    public void setCanary(TrackNumbers canary) {
      this.canary = canary;
    }

    public TrackNumbers getStable() {
      return stable;
    }

    public void setStable(TrackNumbers stable) {
      this.stable = stable;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Analysis a && Objects.equals(time, a.time) && Objects.equals(verdict, a.verdict)
          && Objects.equals(canary, a.canary) && Objects.equals(stable, a.stable);
    }

    @Override
    public int hashCode() {
      return Objects.hash(time, verdict, canary, stable);
    }
  }

  /** Requests, success rate and p99 of one track's pods over one interval. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TrackNumbers {
    @JsonPropertyDescription("Pods scraped.")
    private Integer pods;

    @JsonPropertyDescription("Requests answered in the interval.")
    private Long requests;

    @JsonPropertyDescription("Share of the answers that were not 5xx, 0 to 1; empty without requests.")
    private Double successRate;

    @JsonPropertyDescription("99th percentile latency in milliseconds; empty without requests.")
    private Double p99Millis;

    public Integer getPods() {
      return pods;
    }

    public void setPods(Integer pods) {
      this.pods = pods;
    }

    public Long getRequests() {
      return requests;
    }

    public void setRequests(Long requests) {
      this.requests = requests;
    }

    public Double getSuccessRate() {
      return successRate;
    }

    public void setSuccessRate(Double successRate) {
      this.successRate = successRate;
    }

    public Double getP99Millis() {
      return p99Millis;
    }

    public void setP99Millis(Double p99Millis) {
      this.p99Millis = p99Millis;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TrackNumbers t && Objects.equals(pods, t.pods) && Objects.equals(requests, t.requests)
          && Objects.equals(successRate, t.successRate) && Objects.equals(p99Millis, t.p99Millis);
    }

    @Override
    public int hashCode() {
      return Objects.hash(pods, requests, successRate, p99Millis);
    }
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getStableImage() {
    return stableImage;
  }

  public void setStableImage(String stableImage) {
    this.stableImage = stableImage;
  }

  public String getCanaryImage() {
    return canaryImage;
  }

  public void setCanaryImage(String canaryImage) {
    this.canaryImage = canaryImage;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public Integer getSteps() {
    return steps;
  }

  public void setSteps(Integer steps) {
    this.steps = steps;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public Integer getCanaryReplicas() {
    return canaryReplicas;
  }

  public void setCanaryReplicas(Integer canaryReplicas) {
    this.canaryReplicas = canaryReplicas;
  }

  public Integer getStableReplicas() {
    return stableReplicas;
  }

  public void setStableReplicas(Integer stableReplicas) {
    this.stableReplicas = stableReplicas;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
  }

  public String getWaitingSince() {
    return waitingSince;
  }

  public void setWaitingSince(String waitingSince) {
    this.waitingSince = waitingSince;
  }

  public Analysis getLastAnalysis() {
    return lastAnalysis;
  }

  public void setLastAnalysis(Analysis lastAnalysis) {
    this.lastAnalysis = lastAnalysis;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpgradeStatus u && Objects.equals(phase, u.phase)
        && Objects.equals(stableImage, u.stableImage) && Objects.equals(canaryImage, u.canaryImage)
        && Objects.equals(step, u.step) && Objects.equals(steps, u.steps) && Objects.equals(weight, u.weight)
        && Objects.equals(canaryReplicas, u.canaryReplicas) && Objects.equals(stableReplicas, u.stableReplicas)
        && Objects.equals(stepStartedAt, u.stepStartedAt) && Objects.equals(waitingSince, u.waitingSince)
        && Objects.equals(lastAnalysis, u.lastAnalysis)
        && Objects.equals(message, u.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, stableImage, canaryImage, step, steps, weight, canaryReplicas, stableReplicas,
        stepStartedAt, waitingSince, lastAnalysis, message);
  }
}
