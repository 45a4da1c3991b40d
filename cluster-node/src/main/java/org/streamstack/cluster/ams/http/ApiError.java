package org.streamstack.cluster.ams.http;

/** A refusal with its HTTP status; thrown inside handlers and answered as an error envelope. */
final class ApiError extends RuntimeException {

  final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
