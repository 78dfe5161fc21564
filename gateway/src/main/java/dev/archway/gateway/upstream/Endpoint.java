package dev.archway.gateway.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target of a service with its live state: requests in flight, the verdict of active checks
 * and passive ejection. Shared by every route using the service, kept across config reloads
 * while the service's targets and health settings stay the same.
 */
public final class Endpoint {

  private final Target target;
  private final int weight;
  final AtomicInteger inFlight = new AtomicInteger();
  /** Verdict of the active checks; true until checks say otherwise. */
  volatile boolean checkedHealthy = true;
  /** Consecutive check results in the current direction; touched by the checker only. */
  int checkStreak;
  /** Consecutive failures of live traffic. */
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** System.nanoTime() until which the target is ejected; 0 when not ejected. */
  volatile long ejectedUntil;
  /** Ejections in a row, for the exponential backoff. */
  volatile int ejections;

  Endpoint(Target target, int weight) {
    this.target = target;
    this.weight = weight;
  }

  public Target target() {
    return target;
  }

  public int weight() {
    return weight;
  }

  /** Requests being sent to or answered by this target now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Passes active checks and is not ejected. */
  public boolean healthy() {
    return healthy(System.nanoTime());
  }

  boolean healthy(long now) {
    return checkedHealthy && !ejected(now);
  }

  boolean ejected(long now) {
    long until = ejectedUntil;
    return until != 0 && now - until < 0;
  }

  @Override
  public String toString() {
    return target.toString();
  }
}
