package dev.flows.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Headers;
import dev.flows.spi.OutgoingTask;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amqps://} verifies the broker: its certificate against the trust material and its host
 * name against the certificate, so a man in the middle cannot read tasks or the password. Needs no
 * broker: a TLS socket with a fresh certificate stands in for one and reports whether the client
 * went past the handshake.
 */
class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @Test
  void shouldTalkAmqpOverTlsWhenTheCertificateIsTrustedAndNamesTheHost(@TempDir Path dir)
      throws Exception {
    KeyStore keys = certificate(dir, "localhost");
    assertNull(clientGotPastHandshake(keys), "the client sent its protocol header over TLS");
  }

  @Test
  void shouldRefuseTheBrokerWhenItsTrustedCertificateNamesAnotherHost(@TempDir Path dir)
      throws Exception {
    KeyStore keys = certificate(dir, "broker.example");
    // the client aborts the handshake: the server sees the alert, or a closed socket if it came
    // late
    assertInstanceOf(IOException.class, clientGotPastHandshake(keys));
  }

  /** Null if the client completed the handshake and sent bytes; else the server's error. */
  private static Exception clientGotPastHandshake(KeyStore keys) throws Exception {
    try (SSLServerSocket server = server(keys)) {
      CompletableFuture<Exception> serverSide =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.startHandshake();
                  return socket.getInputStream().read() == 'A' ? null : new SSLException("no AMQP");
                } catch (Exception e) {
                  return e;
                }
              });
      URI uri = URI.create("amqps://guest:secret@localhost:" + server.getLocalPort() + "/%2F");
      try (RabbitTaskQueue queue = RabbitTaskQueue.create(uri, trusting(keys))) {
        queue.send(new OutgoingTask("tls-test", new byte[] {1}, Headers.empty()), error -> {});
        return serverSide.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static KeyStore certificate(Path dir, String host) throws Exception {
    Path store = dir.resolve("broker.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "EC",
                "-dname",
                "CN=" + host,
                "-ext",
                "SAN=dns:" + host,
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool finished");
    assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes()));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      keys.load(in, PASSWORD);
    }
    return keys;
  }

  private static SSLServerSocket server(KeyStore keys) throws Exception {
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(managers.getKeyManagers(), null, null);
    return (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
  }

  private static SSLContext trusting(KeyStore keys) throws Exception {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
