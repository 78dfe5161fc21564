package dev.archway.gateway.tls;

import dev.archway.model.ListenerConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The certificates one HTTPS listener serves, read from their files, and the choice among them:
 * the one whose DNS names match the client's SNI server name (exact names before wildcards, then
 * in listed order); the first one when the client sends no server name or none matches.
 */
public final class ServedCertificates {

  private final List<CertificatePair> pairs;

  private ServedCertificates(List<CertificatePair> pairs) {
    this.pairs = List.copyOf(pairs);
  }

  /**
   * Reads every pair of a listener.
   *
   * @param at the listener's config field, e.g. {@code listeners[1]}
   */
  public static ServedCertificates read(Vertx vertx, String at, ListenerConfig.Tls tls)
      throws CertificateLoadException {
    List<CertificatePair> pairs = new ArrayList<>();
    for (int i = 0; i < tls.certificates().size(); i++) {
      pairs.add(CertificatePair.read(vertx, at + ".tls.certificates[" + i + "]", tls.certificates().get(i)));
    }
    if (pairs.isEmpty()) {
      throw new CertificateLoadException(at + ".tls.certificates: an HTTPS listener needs a certificate", null);
    }
    return new ServedCertificates(pairs);
  }

  public List<CertificatePair> pairs() {
    return pairs;
  }

  /**
   * Index of the pair to present, or -1 when the handshake should try another key type.
   *
   * <p>The candidates are the pairs whose names match the server name exactly, else those whose
   * wildcard matches, else only the first pair; among them the first with a key of {@code
   * keyType}. The JDK asks once per key type the client accepts: a name served by an RSA and an
   * EC certificate gets the one the client prefers, and a name served only by RSA never gets an
   * EC certificate of another name.
   *
   * @param serverName the SNI host name, or null
   * @param keyType key algorithm the handshake can use ({@code EC}, {@code RSA}, ...)
   */
  public int select(String serverName, String keyType) {
    if (serverName != null) {
      String name = serverName.toLowerCase(Locale.ROOT);
      int dot = name.indexOf('.');
      String wildcard = dot > 0 ? "*" + name.substring(dot) : null;
      boolean named = false;
      for (int i = 0; i < pairs.size(); i++) {
        if (pairs.get(i).dnsNames().contains(name)) {
          named = true;
          if (fits(pairs.get(i), keyType)) {
            return i;
          }
        }
      }
      if (named) {
        return -1;
      }
      for (int i = 0; wildcard != null && i < pairs.size(); i++) {
        if (pairs.get(i).dnsNames().contains(wildcard)) {
          named = true;
          if (fits(pairs.get(i), keyType)) {
            return i;
          }
        }
      }
      if (named) {
        return -1;
      }
    }
    return fits(pairs.get(0), keyType) ? 0 : -1;
  }

  private static boolean fits(CertificatePair p, String keyType) {
    String algorithm = p.privateKey().getAlgorithm();
    // TLS 1.2 names some types by key and signature, e.g. EC_EC; TLS 1.3 asks for the key's algorithm
    return keyType == null || keyType.equals(algorithm) || keyType.startsWith(algorithm + "_");
  }

  /** Same files with the same bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ServedCertificates s && pairs.equals(s.pairs);
  }

  @Override
  public int hashCode() {
    return pairs.hashCode();
  }

  @Override
  public String toString() {
    return pairs.stream().map(p -> p.files().certFile()).toList().toString();
  }
}
