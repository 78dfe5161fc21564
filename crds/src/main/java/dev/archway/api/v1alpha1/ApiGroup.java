package dev.archway.api.v1alpha1;

/** Names shared by the three custom resources of the {@code archway.dev} API group. */
public final class ApiGroup {
  public static final String GROUP = "archway.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CATEGORY = "archway";

  private ApiGroup() {}
}
