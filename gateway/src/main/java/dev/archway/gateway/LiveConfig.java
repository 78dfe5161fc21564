package dev.archway.gateway;

import dev.archway.gateway.routing.RouteTable;
import java.util.concurrent.atomic.AtomicReference;

/** The config new requests are routed with: one reference, swapped whole. */
public final class LiveConfig {

  private final AtomicReference<AppliedConfig> current = new AtomicReference<>();
  private volatile boolean draining;

  /** The applied config, or null before the first. */
  public AppliedConfig current() {
    return current.get();
  }

  /** Route table of the applied config, or null before the first. */
  public RouteTable routeTable() {
    AppliedConfig applied = current.get();
    return applied == null ? null : applied.routes();
  }

  void swap(AppliedConfig next) {
    current.set(next);
  }

  /** The gateway is shutting down: readiness goes down, traffic is still served. */
  void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }
}
