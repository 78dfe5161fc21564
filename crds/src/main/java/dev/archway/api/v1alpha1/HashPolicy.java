package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The key of consistent hashing. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.source == 'ClientAddress' || has(self.name)",
    message = "name is required for source Header and Cookie")
public class HashPolicy {

  @JsonPropertyDescription("Header, Cookie or ClientAddress.")
  @Required
  private Source source;

  @JsonPropertyDescription("Header or cookie name.")
  @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
  private String name;

  public Source getSource() {
    return source;
  }

  public void setSource(Source source) {
    this.source = source;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  /** What is hashed. */
  public enum Source {
    Header,
    Cookie,
    ClientAddress
  }
}
