package dev.archway.gateway.tls;

/** A certificate or key file cannot be served; the message names the config field and the file. */
public class CertificateLoadException extends Exception {

  public CertificateLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
