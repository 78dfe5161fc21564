package dev.archway.operator.reconciler;

/**
 * One gateway pod as the operator sees it.
 *
 * @param name pod name
 * @param zone zone of its node, or {@value ConfigVersionProbe#UNKNOWN_ZONE}
 * @param ready its Ready condition is True
 * @param hasAddress it has a pod IP, so it can be asked
 * @param configVersion the config version it reports having applied; null when unknown
 * @param rejected the message of the config it last refused, when it refused the latest one
 * @param error why its version is unknown, when it was asked and did not tell
 * @param answered its readiness endpoint answered (possibly: no config applied yet)
 */
record PodReport(
    String name, String zone, boolean ready, boolean hasAddress, String configVersion, String rejected,
    String error, boolean answered) {

  /** It has an address but has not told which config it runs: not asked yet, or no answer. */
  boolean unknown() {
    return hasAddress && configVersion == null && !answered;
  }

  String describe() {
    if (configVersion != null) {
      return name + " (has " + configVersion + ")";
    }
    return name + (error != null ? " (" + error + ")" : answered ? " (no config applied yet)"
        : hasAddress ? " (not asked yet)" : " (no pod IP yet)");
  }
}
