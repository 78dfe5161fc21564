package dev.archway.gateway.source;

/** Somewhere config documents come from, watched for changes. */
public interface ConfigSource extends AutoCloseable {

  /** Starts watching, without blocking; documents go to the sink from the source's own thread. */
  void start();

  /** Where documents come from, for the startup log. */
  String describe();

  @Override
  void close();
}
