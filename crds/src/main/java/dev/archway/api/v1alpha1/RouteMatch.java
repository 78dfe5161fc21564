package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Conditions a request must meet to select a rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteMatch {

  @JsonPropertyDescription("Condition on the request path.")
  private PathMatch path;

  public RouteMatch() {}

  public RouteMatch(PathMatch path) {
    this.path = path;
  }

  public PathMatch getPath() {
    return path;
  }

  public void setPath(PathMatch path) {
    this.path = path;
  }
}
