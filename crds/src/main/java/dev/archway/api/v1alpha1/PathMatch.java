package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A condition on the request path. */
@ValidationRule(
    value = "(has(self.type) && self.type == 'RegularExpression') || self.value.startsWith('/')",
    message = "value must start with '/' for Exact and PathPrefix")
public class PathMatch {

  @JsonPropertyDescription(
      "How value is compared with the path: Exact, PathPrefix (whole segments: /api matches /api"
          + " and /api/x but not /apix; the default) or RegularExpression (Java syntax, must match"
          + " the whole path).")
  @Default("PathPrefix")
  private PathMatchType type = PathMatchType.PathPrefix;

  @JsonPropertyDescription("The path, prefix or pattern to compare with.")
  @Required
  @Size(min = 1, max = 1024)
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
    Exact,
    PathPrefix,
    RegularExpression
  }
}
