package dev.archway.operator.translate;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the translation decided about one Route; becomes its status conditions.
 *
 * @param accepted the Route is bound to the cluster and its spec can be served
 * @param resolvedRefs every backend it names exists
 * @param reason CamelCase reason for the first condition that is false, or {@code Accepted}
 * @param message for a person: which field, what was expected
 * @param note what a person should know about a Route that is served, such as a backend without
 *     ready endpoints; null when there is nothing to say
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouteVerdict(boolean accepted, boolean resolvedRefs, String reason, String message, String note) {

  public RouteVerdict(boolean accepted, boolean resolvedRefs, String reason, String message) {
    this(accepted, resolvedRefs, reason, message, null);
  }

  static RouteVerdict ok() {
    return new RouteVerdict(true, true, "Accepted", "Route is part of the rendered config");
  }

  /** Served, with something the user should know. */
  static RouteVerdict ok(String note) {
    RouteVerdict ok = ok();
    return new RouteVerdict(ok.accepted, ok.resolvedRefs, ok.reason, ok.message, note);
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
