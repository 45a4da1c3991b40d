package org.streamstack.protocol.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.streamstack.protocol.gateway.Screen;

class ScreenNoticeTest {

  @Test
  void writesAndReadsTheGatewaysScreenNotice() {
    ScreenNotice notice = ScreenNotice.of(new Screen(960, 540, 30, 160));
    assertEquals("{\"type\":\"gateway:screen\",\"width\":960,\"height\":540,\"fps\":30,\"density\":160}",
        notice.toJson());
    assertEquals(notice, ScreenNotice.parse(notice.toJson()));
    assertEquals(new Screen(960, 540, 30, 160), notice.screen());
    assertEquals("{\"type\":\"gateway:screen\",\"width\":640,\"height\":480}",
        new ScreenNotice(640, 480, null, null).toJson(), "fps and density only when known");
  }

  @Test
  void noSocketMaySendIt() {
    String problem = SignalingFrame.problem(new ScreenNotice(640, 480, null, null).toJson(), 65536);
    assertNotNull(problem);
    assertTrue(problem.contains("reserved for the gateway"), problem);
  }

  @Test
  void malformedNoticesAreRefusedWithAReason() {
    assertThrows(IllegalArgumentException.class, () -> ScreenNotice.parse("{"));
    assertThrows(IllegalArgumentException.class, () -> ScreenNotice.parse("{\"type\":\"offer\",\"width\":1}"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ScreenNotice.parse("{\"type\":\"gateway:screen\",\"width\":640}"));
    assertEquals("gateway:screen: 'height' is missing", missing.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> ScreenNotice.parse("{\"type\":\"gateway:screen\",\"width\":\"640\",\"height\":480}"));
    assertEquals("gateway:screen: 'width' must be an integer, got \"640\"", text.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ScreenNotice.of(new Screen(null, 480, null, null)));
  }
}
