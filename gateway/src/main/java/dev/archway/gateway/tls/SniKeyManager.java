package dev.archway.gateway.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of an HTTPS listener: picks a certificate by the SNI server name of each
 * handshake from the certificates served now. Swapping them ({@link #serve}) takes effect on the
 * next handshake; the TLS context and every open connection stay as they are.
 *
 * <p>This instead of Vert.x's {@code updateSSLOptions}: in Vert.x 4.5 a server rebuilding its TLS
 * context fails the connections it accepts meanwhile.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

  /** The certificates of one generation; an alias names its generation and index. */
  private record Generation(long number, ServedCertificates certificates) {}

  private volatile Generation current;
  /** The generation before, for a handshake that chose an alias just before a swap. */
  private volatile Generation previous;

  SniKeyManager(ServedCertificates certificates) {
    this.current = new Generation(0, certificates);
  }

  synchronized void serve(ServedCertificates certificates) {
    previous = current;
    current = new Generation(current.number() + 1, certificates);
  }

  ServedCertificates served() {
    return current.certificates();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType, socket instanceof javax.net.ssl.SSLSocket ssl ? ssl.getHandshakeSession() : null);
  }

  private String choose(String keyType, SSLSession handshake) {
    Generation g = current;
    int index = g.certificates().select(serverName(handshake), keyType);
    return index < 0 ? null : alias(g, index);
  }

  private static String serverName(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Generation g = current;
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < g.certificates().pairs().size(); i++) {
      aliases.add(alias(g, i));
    }
    return aliases.toArray(new String[0]);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertificatePair p = pair(alias);
    return p == null ? null : p.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertificatePair p = pair(alias);
    return p == null ? null : p.privateKey();
  }

  private static String alias(Generation g, int index) {
    return "archway-" + g.number() + "-" + index;
  }

  private CertificatePair pair(String alias) {
    if (alias == null || !alias.startsWith("archway-")) {
      return null;
    }
    int dash = alias.lastIndexOf('-');
    long number;
    int index;
    try {
      number = Long.parseLong(alias.substring("archway-".length(), dash));
      index = Integer.parseInt(alias.substring(dash + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return null;
    }
    for (Generation g : new Generation[] {current, previous}) {
      if (g != null && g.number() == number && index < g.certificates().pairs().size()) {
        return g.certificates().pairs().get(index);
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
