package org.streamstack.media.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EncoderSettingsTest {

  @Test
  void defaultsMatchTheEncoderDefaults() {
    EncoderSettings settings = EncoderSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals(EncoderPreference.AUTO, settings.preference());
    assertEquals(Duration.ofSeconds(10), settings.keyframeInterval());
    assertEquals(
        EncoderConfig.of(1280, 720, 30, 2_000_000), settings.config(1280, 720, 30, 2_000_000));
  }

  @Test
  void deploymentsOverride() {
    EncoderSettings settings =
        EncoderSettings.fromConfig(
            ConfigFactory.parseString(
                    "streamstack.media.encoder { preference = GPU, threads = 2 }")
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(EncoderPreference.GPU, settings.preference());
    assertEquals(2, settings.config(640, 360, 30, 1_000_000).threads());
    assertTrue(settings.config(640, 360, 30, 1_000_000).h264LoopFilter(), "deblocking is on unless turned off");
    EncoderSettings unfiltered = EncoderSettings.fromConfig(
        ConfigFactory.parseString("streamstack.media.encoder.h264-loop-filter = off")
            .withFallback(ConfigFactory.defaultReference()));
    assertFalse(unfiltered.config(640, 360, 30, 1_000_000).h264LoopFilter());
  }
}
