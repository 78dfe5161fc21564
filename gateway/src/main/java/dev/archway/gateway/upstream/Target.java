package dev.archway.gateway.upstream;

/**
 * One upstream endpoint a request can be sent to.
 *
 * @param host IP address or DNS name
 * @param port TCP port
 */
public record Target(String host, int port) {

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
