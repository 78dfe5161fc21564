package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** A canary upgrade: a second Deployment on the new image takes a growing share of the pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.steps.all(s, self.steps.exists_one(t, t.weight == s.weight))"
        + " && self.steps.map(s, s.weight).isSorted()",
    message = "steps[].weight must increase from one step to the next")
public class CanaryStrategy {

  @JsonPropertyDescription(
      "Weights the canary goes through, in increasing order; after the pause of the last step"
          + " the canary is promoted (the stable Deployment takes the new image and the canary"
          + " Deployment is removed).")
  @Required
  @Size(min = 1, max = 20)
  private List<CanaryStep> steps = new ArrayList<>();

  @JsonPropertyDescription(
      "How the canary pods are judged. Defaults to every 30s, success rate at least 0.99, at"
          + " least 50 requests, no latency limit.")
  private CanaryAnalysisSpec analysis;

  @JsonPropertyDescription(
      "Longest time a step may wait for its canary pods to become ready (an image that does not"
          + " start, a pod that fails readiness); longer rolls the canary back. Defaults to 10m.")
  @Pattern(Durations.PATTERN)
  private String progressDeadline;

  public String getProgressDeadline() {
    return progressDeadline;
  }

  public void setProgressDeadline(String progressDeadline) {
    this.progressDeadline = progressDeadline;
  }

  public List<CanaryStep> getSteps() {
    return steps;
  }

  public void setSteps(List<CanaryStep> steps) {
    this.steps = steps;
  }

  public CanaryAnalysisSpec getAnalysis() {
    return analysis;
  }

  public void setAnalysis(CanaryAnalysisSpec analysis) {
    this.analysis = analysis;
  }
}
