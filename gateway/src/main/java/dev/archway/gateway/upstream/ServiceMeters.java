package dev.archway.gateway.upstream;

/**
 * Where a service's upstream traffic is counted, resolved once when the service is prepared so
 * a request looks no meter up by name. Called on event loops; must not block.
 */
public interface ServiceMeters {

  /** Counts nothing: upstreams made for tests and tools. */
  ServiceMeters NONE = new ServiceMeters() {
    @Override
    public void answered(int status) {}

    @Override
    public void connectError() {}

    @Override
    public void retry() {}

    @Override
    public void answerTime(long nanos) {}
  };

  /** A try to a target got {@code status}. */
  void answered(int status);

  /** A connection to a target could not be made. */
  void connectError();

  /** A request is tried again. */
  void retry();

  /** A try got its answer's head {@code nanos} after it started (connecting included). */
  void answerTime(long nanos);
}
