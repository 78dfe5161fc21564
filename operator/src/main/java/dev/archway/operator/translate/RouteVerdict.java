package dev.archway.operator.translate;

/**
 * What the translation decided about one Route; becomes its status conditions.
 *
 * @param accepted the Route is bound to the cluster and its spec can be served
 * @param resolvedRefs every backend it names exists
 * @param reason CamelCase reason for the first condition that is false, or {@code Accepted}
 * @param message for a person: which field, what was expected
 */
public record RouteVerdict(boolean accepted, boolean resolvedRefs, String reason, String message) {

  static RouteVerdict ok() {
    return new RouteVerdict(true, true, "Accepted", "Route is part of the rendered config");
  }

  static RouteVerdict notAccepted(String reason, String message) {
    return new RouteVerdict(false, true, reason, message);
  }

  static RouteVerdict unresolved(String reason, String message) {
    return new RouteVerdict(true, false, reason, message);
  }

  /** The Route made it into the config. */
  public boolean programmable() {
    return accepted && resolvedRefs;
  }
}
