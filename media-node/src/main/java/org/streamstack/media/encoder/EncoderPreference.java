package org.streamstack.media.encoder;

/** Where a deployment wants video encoded. */
public enum EncoderPreference {
  /** NVENC when an NVIDIA GPU is present, else the CPU; the fallback is logged at INFO. */
  AUTO,
  /** NVENC; without a usable GPU the CPU after all, logged at WARN: the deployment expected one. */
  GPU,
  /** Always the CPU encoders. */
  CPU;

  public static EncoderPreference parse(String value) {
    return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
