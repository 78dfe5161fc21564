package dev.archway.gateway.proxy;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** Requests relayed right now, across all listeners; shutdown waits for it to reach zero. */
public final class InFlight {

  private final LongAdder count = new LongAdder();

  void started() {
    count.increment();
  }

  void finished() {
    count.decrement();
  }

  /** Requests in flight now. */
  public long count() {
    return count.sum();
  }

  /** Waits until no request is in flight or the timeout passes; true when none is left. */
  public boolean awaitNone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count.sum() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }
}
