package org.streamstack.media.encoder;

/** Where a deployment wants video encoded. */
public enum EncoderPreference {
  /**
   * NVENC when an NVIDIA GPU is present, else VA-API when an Intel or AMD render node is, else the
   * CPU; a fallback is logged at INFO, and never fails a session.
   */
  AUTO,
  /**
   * The GPU encoders (NVENC, VA-API): a node without any GPU fails the instance at its start, and
   * a GPU encoder that does not open is an error, not a CPU encoder; a codec no GPU here encodes
   * runs on the CPU, logged at WARN.
   */
  GPU,
  /** Always the CPU encoders. */
  CPU;

  public static EncoderPreference parse(String value) {
    return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
