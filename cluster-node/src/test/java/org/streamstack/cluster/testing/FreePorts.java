package org.streamstack.cluster.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that tests start before they bind (their port is in their
 * settings). They come from below Linux's ephemeral range (32768-60999): a port the kernel hands
 * out for outgoing connections could be taken again between this check and the server's bind,
 * by any of the many connections a test opens.
 */
public final class FreePorts {

  private static final int LOWEST = 20000;
  private static final int HIGHEST = 32000;

  private FreePorts() {}

  public static int next() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + HIGHEST);
  }
}
