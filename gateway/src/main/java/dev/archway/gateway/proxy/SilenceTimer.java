package dev.archway.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code onSilence} once nothing has happened for a timeout. Activity only notes the time
 * ({@link #touch}); one check is scheduled and, when it finds recent activity, scheduled again
 * for the time left, so a busy stream costs no timer operations. Confined to one event loop.
 */
final class SilenceTimer {

  private final EventExecutor loop;
  private final Runnable onSilence;
  private long timeoutNanos;
  private long lastActivity;
  private boolean held;
  private ScheduledFuture<?> check;

  SilenceTimer(EventExecutor loop, Runnable onSilence) {
    this.loop = loop;
    this.onSilence = onSilence;
  }

  /** Starts watching (again) with this timeout; 0 or less: not at all. */
  void start(long timeoutNanos) {
    stop();
    this.timeoutNanos = timeoutNanos;
    held = false;
    if (timeoutNanos > 0) {
      lastActivity = System.nanoTime();
      check = loop.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Something happened. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  /** While held, the silence is the watcher's own doing and does not count; it starts anew after. */
  void hold(boolean held) {
    this.held = held;
    touch();
  }

  void stop() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  /** How long the silence had to last, in milliseconds (for messages). */
  long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
  }

  private void check() {
    check = null;
    long quiet = System.nanoTime() - lastActivity;
    if (!held && quiet >= timeoutNanos) {
      onSilence.run();
      return;
    }
    check = loop.schedule(this::check, held ? timeoutNanos : timeoutNanos - quiet, TimeUnit.NANOSECONDS);
  }
}
