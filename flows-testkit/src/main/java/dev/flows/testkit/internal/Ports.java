package dev.flows.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports: free ones for embedded servers, and whether something answers on one. */
public final class Ports {
  private static final byte[] AMQP_0_9_1_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
  private static final int AMQP_METHOD_FRAME = 1;

  private Ports() {}

  /** A port of 127.0.0.1 that was free a moment ago. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /** Whether a TCP connection to {@code host:port} succeeds within one second. */
  public static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether an AMQP 0-9-1 broker answers on {@code host:port} within {@code timeout}: it accepts
   * the connection and replies to the protocol header with a method frame (Connection.Start). A
   * broker out of file descriptors, or a proxy whose container died, accepts the connection and
   * never replies.
   */
  public static boolean handshakes(String host, int port, Duration timeout) {
    int millis = (int) timeout.toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      socket.getOutputStream().write(AMQP_0_9_1_HEADER);
      socket.getOutputStream().flush();
      return socket.getInputStream().read() == AMQP_METHOD_FRAME;
    } catch (IOException e) {
      return false;
    }
  }
}
