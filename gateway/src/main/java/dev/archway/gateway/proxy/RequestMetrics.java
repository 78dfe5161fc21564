package dev.archway.gateway.proxy;

/** Where the proxy reports what it does; called on the event loop, must not block. */
public interface RequestMetrics {

  /** Route name reported for requests no route matched. */
  String NO_ROUTE = "none";

  /** A request was answered to the client with {@code status}. */
  void record(String route, int status);

  /** A request to the client is complete after {@code nanos} (gateway answers included). */
  default void duration(String route, long nanos) {}

  /** A try to a target of {@code service} got {@code status}. */
  default void upstreamResponse(String service, int status) {}

  /** A connection to a target of {@code service} could not be made. */
  default void connectError(String service) {}

  /** A request to {@code service} is tried again. */
  default void retry(String service) {}
}
