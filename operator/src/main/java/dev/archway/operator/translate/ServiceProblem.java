package dev.archway.operator.translate;

/**
 * Why a Service (archway.dev) cannot be used; a Route naming it gets {@code ResolvedRefs=False}.
 *
 * @param reason CamelCase reason for the Route's condition
 * @param message names the Service's field at fault
 */
record ServiceProblem(String reason, String message) {

  /** The Service's spec is invalid. */
  static ServiceProblem invalid(String message) {
    return new ServiceProblem("InvalidBackend", message);
  }

  /** What the Service refers to does not exist. */
  static ServiceProblem notFound(String message) {
    return new ServiceProblem("BackendNotFound", message);
  }
}
