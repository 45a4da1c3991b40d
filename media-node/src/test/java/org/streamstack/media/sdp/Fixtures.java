package org.streamstack.media.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The real captures of fixtures/ (copied from /work/shared/fixtures, CRLF kept). */
final class Fixtures {

  static final String WERIFT_OFFER_VP8 = "werift-offer-vp8.sdp";
  static final String WERIFT_OFFER_H264 = "werift-offer-h264.sdp";
  static final String CHROMIUM_ANSWER_VP8 = "chromium-156-answer-vp8.sdp";
  static final String CHROMIUM_ANSWER_H264 = "chromium-156-answer-h264.sdp";

  private Fixtures() {}

  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) throw new IllegalStateException("no fixture " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SessionDescription sdp(String name) throws SdpException {
    return SdpParser.parse(text(name));
  }
}
