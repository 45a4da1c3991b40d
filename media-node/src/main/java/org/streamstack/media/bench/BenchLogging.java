package org.streamstack.media.bench;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Logging of the benchmarks: their figures must stay readable among what the libraries log. */
public final class BenchLogging {

  private BenchLogging() {}

  /**
   * ice4j and jitsi-srtp log through java.util.logging, at INFO several lines per peer connection
   * (a role change, a pair selected, a harvest): a benchmark of many peers would bury its table.
   * Only their warnings and errors stay.
   */
  public static void quietJavaUtilLogging() {
    Logger.getLogger("").setLevel(Level.WARNING);
    for (Handler handler : Logger.getLogger("").getHandlers()) handler.setLevel(Level.WARNING);
  }
}
