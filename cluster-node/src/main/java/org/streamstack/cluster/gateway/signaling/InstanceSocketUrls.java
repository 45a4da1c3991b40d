package org.streamstack.cluster.gateway.signaling;

/**
 * The absolute URL of a session's instance socket, as handed to whoever runs the instance (a media
 * node through AMS and the agent, or an operator). It cannot come from a request's Host header: the
 * instance is not the caller. Without a public URL it is this member's loopback address, which only
 * a media node on this host reaches.
 */
public final class InstanceSocketUrls {

  private final String publicUrl;
  private volatile int apiPort = -1;

  /** {@code publicUrl} is the gateway's public-url setting, empty when none is set. */
  public InstanceSocketUrls(String publicUrl) {
    this.publicUrl = publicUrl;
  }

  /** The port the public API was bound to (the configured one may be 0). */
  public void apiBound(int port) {
    this.apiPort = port;
  }

  public boolean reachableFromOtherHosts() {
    return !publicUrl.isEmpty();
  }

  public String url(String sessionId, String credential) {
    String base;
    if (!publicUrl.isEmpty()) {
      base = publicUrl.replaceFirst("^http", "ws");
    } else {
      if (apiPort < 0) throw new IllegalStateException("the gateway API is not bound yet");
      base = "ws://127.0.0.1:" + apiPort;
    }
    return base + "/1.0/sessions/" + sessionId + "/sockets/" + Side.INSTANCE.pathName() + "?token=" + credential;
  }
}
