package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A reference to an object by name in the referrer's namespace. */
public class LocalObjectRef {

  @JsonPropertyDescription("Name of the referenced object.")
  @Required
  private String name;

  public LocalObjectRef() {}

  public LocalObjectRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
