package dev.archway.operator.translate;

/** Why a Route cannot be served: becomes its verdict. */
final class RouteProblem extends Exception {

  private final RouteVerdict verdict;

  private RouteProblem(RouteVerdict verdict) {
    super(verdict.message(), null, false, false);
    this.verdict = verdict;
  }

  /** The Route is invalid: Accepted=False. */
  static RouteProblem invalid(String reason, String message) {
    return new RouteProblem(RouteVerdict.notAccepted(reason, message));
  }

  /** A reference cannot be resolved: ResolvedRefs=False. */
  static RouteProblem unresolved(String reason, String message) {
    return new RouteProblem(RouteVerdict.unresolved(reason, message));
  }

  RouteVerdict verdict() {
    return verdict;
  }
}
