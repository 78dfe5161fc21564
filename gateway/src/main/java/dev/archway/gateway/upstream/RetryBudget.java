package dev.archway.gateway.upstream;

import dev.archway.model.ServiceConfig.RetryPolicy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps retries from amplifying an outage: retries in flight may be at most budgetPercent of
 * the service's requests in flight, except for minRetriesPerSecond that are always allowed.
 */
final class RetryBudget {

  private final int budgetPercent;
  private final int minPerSecond;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong second = new AtomicLong();
  private final AtomicInteger inSecond = new AtomicInteger();

  RetryBudget(RetryPolicy policy) {
    this.budgetPercent = policy.budgetPercent();
    this.minPerSecond = policy.minRetriesPerSecond();
  }

  /** True (and counted as active) when one more retry fits; release it with {@link #release()}. */
  boolean tryAcquire(int requestsInFlight) {
    if ((active.get() + 1) * 100L <= (long) budgetPercent * requestsInFlight) {
      active.incrementAndGet();
      return true;
    }
    long now = System.nanoTime() / 1_000_000_000L;
    long current = second.get();
    if (current != now && second.compareAndSet(current, now)) {
      inSecond.set(0);
    }
    if (inSecond.incrementAndGet() <= minPerSecond) {
      active.incrementAndGet();
      return true;
    }
    return false;
  }

  void release() {
    active.decrementAndGet();
  }
}
