package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A proxy port.
 *
 * @param name listener name, unique in the config
 * @param port TCP port the gateway listens on
 * @param protocol {@code HTTP} or {@code HTTPS}
 * @param tls the certificates of an {@code HTTPS} listener; null for {@code HTTP}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListenerConfig(String name, int port, String protocol, Tls tls) {

  /** Plain HTTP/1.1. */
  public static final String HTTP = "HTTP";
  /** TLS terminated by the gateway; HTTP/2 or HTTP/1.1 by ALPN. */
  public static final String HTTPS = "HTTPS";

  /** A listener without TLS. */
  public ListenerConfig(String name, int port, String protocol) {
    this(name, port, protocol, null);
  }

  /** Whether the gateway terminates TLS on this listener. */
  public boolean secure() {
    return HTTPS.equals(protocol);
  }

  /**
   * TLS of a listener: PEM files the gateway reads, and reads again when they change.
   *
   * @param certificates one or more; the client's SNI server name picks the one whose subject
   *     alternative names match it, the first is served when none does
   */
  public record Tls(List<CertificateFiles> certificates) {
    public Tls {
      certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }
  }

  /**
   * A certificate and its private key.
   *
   * @param certFile PEM file with the certificate, then its intermediates
   * @param keyFile PEM file with the private key (PKCS#8, PKCS#1 or SEC1)
   */
  public record CertificateFiles(String certFile, String keyFile) {}
}
