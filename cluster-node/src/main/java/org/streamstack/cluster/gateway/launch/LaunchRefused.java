package org.streamstack.cluster.gateway.launch;

/** Why a session cannot have an instance, with the HTTP status the client gets (400, 409, 503). */
public final class LaunchRefused extends RuntimeException {

  private final int status;

  public LaunchRefused(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
