package dev.archway.gateway.proxy;

import dev.archway.gateway.upstream.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.impl.VertxInternal;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections of one listener instance to every upstream target, owned by that
 * instance's event loop (no locks: only that loop touches it). Per target at most
 * {@code maxPerTarget} connections are open; an exchange that finds none idle and no room waits
 * for one. The most recently used idle connection is handed out first (the one least likely to
 * have been closed by the upstream), and an idle connection is closed once its keep-alive
 * deadline passes.
 */
final class UpstreamPool {

  /** How an exchange hears about the connection it asked for. */
  interface Waiter {

    void acquired(UpstreamConnection connection);

    void failed(Throwable cause);
  }

  /**
   * A waiter's place in line for a connection: served in turn, failed when the connect timeout
   * passes first, or left by {@link #cancel()}.
   */
  static final class Ticket {

    private Waiter waiter;
    private final long connectTimeoutMillis;
    private ScheduledFuture<?> timer;

    private Ticket(Waiter waiter, long connectTimeoutMillis) {
      this.waiter = waiter;
      this.connectTimeoutMillis = connectTimeoutMillis;
    }

    void cancel() {
      waiter = null;
      timer.cancel(false);
    }
  }

  private static final long SWEEP_MILLIS = 500;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final int maxPerTarget;
  private final Map<Target, PerTarget> targets = new HashMap<>();
  private ScheduledFuture<?> sweeper;
  private boolean closed;

  UpstreamPool(VertxInternal vertx, EventLoop loop, HttpClientOptions options, int maxPerTarget) {
    this.loop = loop;
    this.maxPerTarget = Math.max(1, maxPerTarget);
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channelFactory(vertx.transport().channelFactory(false))
        .resolver(vertx.nettyAddressResolverGroup());
    vertx.transport().configure(options, false, bootstrap); // TCP_NODELAY, TCP_QUICKACK, buffer sizes
  }

  /** The event loop that owns this pool, and every exchange using it. */
  EventLoop loop() {
    return loop;
  }

  /**
   * Hands {@code waiter} a connection to {@code target}: an idle one (unless {@code fresh}), a
   * new one, or the next one released when the target has {@code maxPerTarget} open.
   */
  Ticket acquire(Target target, long connectTimeoutMillis, boolean fresh, Waiter waiter) {
    PerTarget pool = targets.computeIfAbsent(target, PerTarget::new);
    if (!fresh) {
      UpstreamConnection idle = pool.takeIdle();
      if (idle != null) {
        waiter.acquired(idle);
        return null;
      }
    }
    if (pool.open < maxPerTarget || fresh) {
      connect(pool, connectTimeoutMillis, waiter);
      return null;
    }
    Ticket ticket = new Ticket(waiter, connectTimeoutMillis);
    pool.waiting.add(ticket);
    // waiting for a connection counts against the connect timeout, as it did in Vert.x's pool
    ticket.timer = loop.schedule(() -> {
      if (ticket.waiter != null && pool.waiting.remove(ticket)) {
        Waiter gaveUp = ticket.waiter;
        ticket.waiter = null;
        gaveUp.failed(new ConnectTimeoutException("no connection to " + target + " within "
            + connectTimeoutMillis + " ms: all " + maxPerTarget + " of this event loop are busy"));
      }
    }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
    return ticket;
  }

  /** A connection whose exchange completed: to the next waiter, else idle until its keep-alive ends. */
  void release(UpstreamConnection connection, long keepAliveMillis) {
    PerTarget pool = targets.get(connection.target());
    if (closed || pool == null) {
      connection.close();
      return;
    }
    Ticket next = pool.nextWaiting();
    if (next != null) {
      next.waiter.acquired(connection);
      return;
    }
    connection.keepAliveDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
    pool.idle.addLast(connection);
    if (sweeper == null) {
      sweeper = loop.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Called by a connection once its channel closed, for whatever reason. */
  void closed(UpstreamConnection connection) {
    PerTarget pool = targets.get(connection.target());
    if (pool == null) {
      return;
    }
    pool.open--;
    pool.idle.remove(connection);
    if (closed) {
      return;
    }
    Ticket next = pool.nextWaiting();
    if (next != null) {
      connect(pool, next.connectTimeoutMillis, next.waiter);
    } else if (pool.unused()) {
      targets.remove(pool.target); // a target no longer in use (a pod gone): nothing of it is kept
    }
  }

  /** Closes every idle connection and fails every waiting exchange; busy connections end with their exchange. */
  void close() {
    closed = true;
    if (sweeper != null) {
      sweeper.cancel(false);
    }
    List<Waiter> failing = new ArrayList<>();
    for (PerTarget pool : targets.values()) {
      for (UpstreamConnection idle : pool.idle) {
        idle.close();
      }
      pool.idle.clear();
      for (Ticket next; (next = pool.nextWaiting()) != null; ) {
        failing.add(next.waiter);
      }
    }
    // after the loop: a failed waiter may try again, which touches the map of targets
    failing.forEach(waiter -> waiter.failed(new ConnectException("listener closed")));
  }

  private void connect(PerTarget pool, long connectTimeoutMillis, Waiter waiter) {
    pool.open++;
    UpstreamConnection connection = new UpstreamConnection(this, pool.target);
    ChannelFuture connecting = bootstrap.clone()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            connection.initialize(channel);
          }
        })
        .connect(InetSocketAddress.createUnresolved(pool.target.host(), pool.target.port()));
    connecting.addListener(done -> {
      if (done.isSuccess()) {
        waiter.acquired(connection);
      } else {
        closed(connection); // never connected, so channelInactive will not run for it
        waiter.failed(done.cause());
      }
    });
  }

  private void sweep() {
    long now = System.nanoTime();
    boolean anyIdle = false;
    for (PerTarget pool : targets.values()) {
      Iterator<UpstreamConnection> idle = pool.idle.iterator();
      while (idle.hasNext()) {
        UpstreamConnection connection = idle.next();
        if (now - connection.keepAliveDeadline >= 0) {
          idle.remove();
          connection.close();
        } else {
          anyIdle = true;
        }
      }
    }
    if (!anyIdle && sweeper != null) {
      sweeper.cancel(false);
      sweeper = null;
    }
  }

  private static final class PerTarget {

    final Target target;
    final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    /** Connections open or being opened. */
    int open;

    PerTarget(Target target) {
      this.target = target;
    }

    /** The most recently released idle connection still open and within its keep-alive, or null. */
    UpstreamConnection takeIdle() {
      UpstreamConnection connection;
      long now = System.nanoTime();
      while ((connection = idle.pollLast()) != null) {
        if (connection.isActive() && now - connection.keepAliveDeadline < 0) {
          return connection;
        }
        connection.close(); // its keep-alive ended since the last sweep
      }
      return null;
    }

    /** The first ticket in line still waiting (its timeout stopped), or null. */
    Ticket nextWaiting() {
      Ticket next;
      while ((next = waiting.poll()) != null) {
        if (next.waiter != null) {
          next.timer.cancel(false);
          return next;
        }
      }
      return null;
    }

    boolean unused() {
      return open == 0 && idle.isEmpty() && waiting.isEmpty();
    }
  }
}
