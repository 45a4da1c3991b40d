package org.streamstack.protocol.nats;

/**
 * Where the bus is and how to authenticate: a token, or a user and password, or neither (a
 * nats-server without authorization). Credentials inside the URL ({@code nats://user:pw@host}) work too.
 *
 * @param connectionName how this process shows in the server's connection list (monitoring)
 */
public record NatsSettings(String url, String token, String user, String password, String connectionName) {

  public NatsSettings {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("a NATS URL is needed (nats://host:port)");
    if (token != null && token.isEmpty()) token = null;
    if (user != null && user.isEmpty()) user = null;
    if (password != null && password.isEmpty()) password = null;
    if (token != null && user != null) {
      throw new IllegalArgumentException("NATS authentication is a token or a user and password, not both");
    }
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException("a NATS user needs a password and a password needs a user");
    }
  }

  /** The URL as logs may show it: without any password inside it. */
  public String redactedUrl() {
    return url.replaceAll("//[^@/]*@", "//…@");
  }
}
