package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** One rule of a Route: requests matching any of its matches go to its backends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.backendRefs) && size(self.backendRefs) > 0) != (has(self.filters) && self.filters.exists(f, f.type == 'DirectResponse'))",
    message = "a rule needs backendRefs, or a DirectResponse filter instead of them")
public class RouteRule {

  @JsonPropertyDescription(
      "Conditions on the request; any one that holds selects this rule. Empty means every"
          + " path (prefix /).")
  @Size(max = 8)
  private List<RouteMatch> matches = new ArrayList<>();

  @JsonPropertyDescription(
      "What the rule does to requests and responses; at most one filter of each type.")
  @Size(max = 8)
  private List<RouteFilter> filters = new ArrayList<>();

  @JsonPropertyDescription(
      "Services (of group archway.dev, in the Route's namespace) that serve the rule. Required"
          + " unless a DirectResponse filter answers.")
  @Size(max = 16)
  private List<BackendRef> backendRefs = new ArrayList<>();

  public List<RouteMatch> getMatches() {
    return matches;
  }

  public void setMatches(List<RouteMatch> matches) {
    this.matches = matches;
  }

  public List<RouteFilter> getFilters() {
    return filters;
  }

  public void setFilters(List<RouteFilter> filters) {
    this.filters = filters;
  }

  public List<BackendRef> getBackendRefs() {
    return backendRefs;
  }

  public void setBackendRefs(List<BackendRef> backendRefs) {
    this.backendRefs = backendRefs;
  }
}
