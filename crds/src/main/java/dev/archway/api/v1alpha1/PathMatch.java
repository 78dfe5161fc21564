package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A condition on the request path. */
public class PathMatch {

  @JsonPropertyDescription("How value is compared with the path. Only PathPrefix in this version.")
  private PathMatchType type = PathMatchType.PathPrefix;

  @JsonPropertyDescription(
      "The path to compare with; starts with '/'. PathPrefix matches whole segments:"
          + " /api matches /api and /api/x but not /apix.")
  @Required
  @Pattern("^/.*$")
  private String value;

  public PathMatch() {}

  public PathMatch(PathMatchType type, String value) {
    this.type = type;
    this.value = value;
  }

  public PathMatchType getType() {
    return type;
  }

  public void setType(PathMatchType type) {
    this.type = type;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  /** Kinds of path comparison. */
  public enum PathMatchType {
    PathPrefix
  }
}
