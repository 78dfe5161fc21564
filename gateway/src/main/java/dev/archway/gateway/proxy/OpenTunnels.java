package dev.archway.gateway.proxy;

import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WebSocket tunnels open now, across all listeners. They outlive config swaps (a tunnel holds no
 * route table); shutdown gives them the drain timeout, then closes what is left.
 */
final class OpenTunnels {

  /** Both ends of one tunnel. */
  record Tunnel(NetSocket client, NetSocket upstream) {

    void close() {
      client.close();
      upstream.close();
    }
  }

  private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();

  void opened(Tunnel tunnel) {
    open.add(tunnel);
  }

  /** True the first time a tunnel is reported closed. */
  boolean closed(Tunnel tunnel) {
    return open.remove(tunnel);
  }

  int count() {
    return open.size();
  }

  /** Waits until no tunnel is open or the timeout passes; true when none is left. */
  boolean awaitNone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!open.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Closes both ends of every open tunnel (each on its own event loop). */
  void closeAll() {
    open.forEach(Tunnel::close);
  }
}
