package dev.archway.gateway.proxy;

/** Where the proxy reports each answered request; called on the event loop, must not block. */
public interface RequestMetrics {

  /** Route name reported for requests no route matched. */
  String NO_ROUTE = "none";

  void record(String route, int status);
}
