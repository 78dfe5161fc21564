package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteMeters;
import dev.archway.gateway.upstream.ServiceMeters;

/**
 * Where the proxy reports what it does; called on the event loop, must not block. Routes and
 * services get their meters once per config ({@link #route}, {@link #service}); the name-keyed
 * methods remain for answers without a route.
 */
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

  /** A try to a target of {@code service} got its answer's head after {@code nanos}. */
  default void upstreamDuration(String service, long nanos) {}

  /** The meters of one route, resolved when a config is compiled; by default the methods above. */
  default RouteMeters route(String route) {
    return new RouteMeters() {
      @Override
      public void answered(int status) {
        record(route, status);
      }

      @Override
      public void duration(long nanos) {
        RequestMetrics.this.duration(route, nanos);
      }
    };
  }

  /** The meters of one service, resolved when a config is prepared; by default the methods above. */
  default ServiceMeters service(String service) {
    return new ServiceMeters() {
      @Override
      public void answered(int status) {
        upstreamResponse(service, status);
      }

      @Override
      public void connectError() {
        RequestMetrics.this.connectError(service);
      }

      @Override
      public void retry() {
        RequestMetrics.this.retry(service);
      }

      @Override
      public void answerTime(long nanos) {
        upstreamDuration(service, nanos);
      }
    };
  }
}
