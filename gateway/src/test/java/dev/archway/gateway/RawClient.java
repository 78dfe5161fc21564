package dev.archway.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain socket to a gateway listener, for requests no HTTP client would send. */
final class RawClient implements AutoCloseable {

  final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  RawClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  RawClient send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads until {@code marker} has arrived; returns all received so far. */
  String readUntil(String marker) throws IOException {
    byte[] buffer = new byte[8192];
    while (!received.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("closed before " + marker + " arrived; got: " + received);
      }
      received.write(buffer, 0, n);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads until the gateway closes the connection (within the socket timeout); returns all received.
   * A reset counts as closed.
   */
  String readToClose() throws IOException {
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open; got: " + received, e);
    } catch (IOException reset) {
      // connection reset: closed as well
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
