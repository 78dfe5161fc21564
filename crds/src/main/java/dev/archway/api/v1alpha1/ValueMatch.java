package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A condition on a request header or query parameter. */
public class ValueMatch {

  @JsonPropertyDescription("Exact (the default) or RegularExpression (Java syntax, must match the whole value).")
  @Default("Exact")
  private MatchType type = MatchType.Exact;

  @JsonPropertyDescription("Header name (compared case-insensitively) or query parameter name (compared exactly).")
  @Required
  @Size(min = 1, max = 256)
  @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
  private String name;

  @JsonPropertyDescription("The value or pattern.")
  @Required
  @Size(max = 4096)
  private String value;

  public ValueMatch() {}

  public ValueMatch(MatchType type, String name, String value) {
    this.type = type;
    this.name = name;
    this.value = value;
  }

  public MatchType getType() {
    return type;
  }

  public void setType(MatchType type) {
    this.type = type;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  /** Kinds of value comparison. */
  public enum MatchType {
    Exact,
    RegularExpression
  }
}
