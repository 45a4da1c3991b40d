package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.LaunchInstance;

/** How a launch request from AMS becomes what an instance runs, and which ones are refused. */
class InstanceSpecTest {

  private static final Screen DEFAULTS = new Screen(1280, 720, 30, null);
  private static final String SOCKET = "ws://127.0.0.1:4000/1.0/sessions/s/sockets/instance?token=t";

  private static LaunchInstance launch(String id, String source, Screen screen, List<String> codecs, String encoder,
      String socket) {
    return new LaunchInstance(id, "session-1", "local",
        new LaunchInstance.Application("demo", 1, source, null, null, null, codecs, encoder), screen, socket);
  }

  private static String refusal(LaunchInstance launch) {
    return assertThrows(InstanceSpec.InvalidLaunchException.class, () -> InstanceSpec.fromLaunch(launch, DEFAULTS))
        .getMessage();
  }

  @Test
  void aLaunchTakesItsScreenCodecsEncoderAndSocket() throws Exception {
    InstanceSpec spec = InstanceSpec.fromLaunch(
        launch("i-1", "Synthetic", new Screen(640, null, 60, 240), List.of("VP8", "h264", "vp8"), "GPU", SOCKET),
        DEFAULTS);
    assertEquals("i-1", spec.instanceId());
    assertEquals("session-1", spec.sessionId());
    assertEquals(640, spec.width());
    assertEquals(720, spec.height(), "missing screen fields come from the defaults");
    assertEquals(60, spec.fps());
    assertEquals(List.of(VideoCodec.VP8, VideoCodec.H264), spec.videoCodecs());
    assertEquals(EncoderPreference.GPU, spec.encoder());
    assertTrue(spec.streaming());
  }

  @Test
  void whatALaunchLeavesOutIsTheNodesChoice() throws Exception {
    InstanceSpec spec = InstanceSpec.fromLaunch(launch("i-2", "synthetic", null, null, null, " "), DEFAULTS);
    assertEquals(1280, spec.width());
    assertEquals(30, spec.fps());
    assertEquals(Arrays.asList(VideoCodec.values()), spec.videoCodecs());
    assertEquals(EncoderPreference.AUTO, spec.encoder());
    assertNull(spec.socketUrl());
    assertFalse(spec.streaming());
  }

  @Test
  void refusalsNameTheField() {
    assertTrue(refusal(launch("i", "x11", null, null, null, null)).contains("x11"));
    assertTrue(refusal(launch("i", "windows", null, null, null, null)).contains("application.source"));
    assertTrue(refusal(launch("i", null, null, null, null, null)).contains("application.source"));
    assertTrue(refusal(new LaunchInstance("i", null, "local", null, null, null)).contains("application"));
    assertTrue(refusal(launch(null, "synthetic", null, null, null, null)).contains("instanceId"));
    assertTrue(refusal(launch("a b", "synthetic", null, null, null, null)).contains("instanceId"));
    assertTrue(refusal(launch("i", "synthetic", new Screen(99_999, 720, 30, null), null, null, null))
        .contains("screen.width"));
    assertTrue(refusal(launch("i", "synthetic", new Screen(1280, 721, 30, null), null, null, null)).contains("even"));
    assertTrue(refusal(launch("i", "synthetic", new Screen(64, 64, 30, null), null, null, null))
        .contains("screen.width"));
    assertTrue(refusal(launch("i", "synthetic", new Screen(128, 16, 30, null), null, null, null))
        .contains("screen.height"));
    assertTrue(refusal(launch("i", "synthetic", new Screen(1280, 720, 0, null), null, null, null)).contains("screen.fps"));
    assertTrue(refusal(launch("i", "synthetic", null, List.of("h265"), null, null)).contains("application.videoCodecs"));
    assertTrue(refusal(launch("i", "synthetic", null, null, "fpga", null)).contains("application.encoder"));
    assertTrue(refusal(launch("i", "synthetic", null, null, null, "http://gateway/socket")).contains("instanceSocketUrl"));
    assertTrue(refusal(launch("i", "synthetic", null, null, null, "ws://")).contains("instanceSocketUrl"));
  }
}
