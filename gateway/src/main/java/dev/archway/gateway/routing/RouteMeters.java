package dev.archway.gateway.routing;

/**
 * Where a route's answers are counted, resolved once when its config is compiled so a request
 * looks no meter up by name. Called on event loops; must not block.
 */
public interface RouteMeters {

  /** Counts nothing: routes compiled for tests and tools. */
  RouteMeters NONE = new RouteMeters() {
    @Override
    public void answered(int status) {}

    @Override
    public void duration(long nanos) {}
  };

  /** A request of this route was answered to the client with {@code status}. */
  void answered(int status);

  /** A request of this route is complete after {@code nanos} (gateway answers included). */
  void duration(long nanos);
}
