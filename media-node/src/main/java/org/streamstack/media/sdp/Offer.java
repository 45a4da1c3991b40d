package org.streamstack.media.sdp;

import java.util.List;
import java.util.Objects;

/**
 * An offer made by {@link OfferBuilder}: the description to send and the video codecs it
 * offers, in order of preference. Which of them the media pipeline sends is decided by the
 * answer ({@link NegotiatedSession#videoCodec()}).
 */
public record Offer(SessionDescription description, List<VideoCodecChoice> videoCodecs) {

  public Offer {
    Objects.requireNonNull(description, "description");
    videoCodecs = List.copyOf(videoCodecs);
  }

  /** The {@code sdp} field of the {@code {"type":"offer"}} frame (PROTOCOL.md 4). */
  public String toBase64() {
    return description.toBase64();
  }

  @Override
  public String toString() {
    return description.toString();
  }
}
