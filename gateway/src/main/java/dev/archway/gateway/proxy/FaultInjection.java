package dev.archway.gateway.proxy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Deliberate failures, off by default (like Envoy's fault filter): a share of the requests that
 * match a route is answered by the gateway itself with an error status instead of going to the
 * route's backend. For testing what a bad version does to its neighbours, canary analysis and
 * alerting; the answers are counted in the normal request metrics.
 *
 * @param abortPercent share of matched requests aborted, 0 (off) to 100
 * @param abortStatus status of an aborted request, 200..599
 */
public record FaultInjection(double abortPercent, int abortStatus) {

  /** No fault injected. */
  public static final FaultInjection NONE = new FaultInjection(0, 503);

  public FaultInjection {
    if (!(abortPercent >= 0 && abortPercent <= 100)) {
      throw new IllegalArgumentException(
          "archway.fault.abort-percent must be between 0 and 100, was " + abortPercent);
    }
    if (abortStatus < 200 || abortStatus > 599) {
      throw new IllegalArgumentException(
          "archway.fault.abort-status must be an HTTP status 200..599, was " + abortStatus);
    }
  }

  /** Whether this request is to be aborted. */
  boolean abort() {
    return abortPercent > 0
        && (abortPercent >= 100 || ThreadLocalRandom.current().nextDouble(100) < abortPercent);
  }
}
