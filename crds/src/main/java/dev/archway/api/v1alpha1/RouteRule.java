package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** One rule of a Route: requests matching any of its matches go to its backends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteRule {

  @JsonPropertyDescription(
      "Conditions on the request; any one that holds selects this rule. Empty means every"
          + " path (prefix /).")
  @Size(max = 8)
  private List<RouteMatch> matches = new ArrayList<>();

  @JsonPropertyDescription("Services (of group archway.dev, in the Route's namespace) that serve the rule.")
  @Required
  @Size(min = 1, max = 16)
  private List<BackendRef> backendRefs = new ArrayList<>();

  public List<RouteMatch> getMatches() {
    return matches;
  }

  public void setMatches(List<RouteMatch> matches) {
    this.matches = matches;
  }

  public List<BackendRef> getBackendRefs() {
    return backendRefs;
  }

  public void setBackendRefs(List<BackendRef> backendRefs) {
    this.backendRefs = backendRefs;
  }
}
