package dev.archway.gateway.proxy;

/** A listener of a config could not be opened; the message names the listener and the address. */
public class ListenerException extends Exception {

  public ListenerException(String message, Throwable cause) {
    super(message, cause);
  }
}
