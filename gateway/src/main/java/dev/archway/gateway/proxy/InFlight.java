package dev.archway.gateway.proxy;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests relayed right now, across all listeners; shutdown waits for it to reach zero. Once
 * shutdown begins, answers ask clients to close their connections ({@link #closing()}).
 */
public final class InFlight {

  private final LongAdder count = new LongAdder();
  private volatile boolean closing;

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

  /** From now on every answer carries {@code Connection: close} and its connection is closed after it. */
  public void startClosing() {
    closing = true;
  }

  /** True once shutdown began: keep-alive connections are wound down. */
  public boolean closing() {
    return closing;
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
