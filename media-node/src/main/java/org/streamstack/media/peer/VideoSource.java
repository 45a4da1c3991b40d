package org.streamstack.media.peer;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.video.VideoCodec;

/** An instance's picture, encoded on demand in the codec a peer negotiated. */
public interface VideoSource {

  int width();

  int height();

  int fps();

  /** The codecs this source may be sent in, the only ones a peer offers; all of ours unless overridden. */
  default List<VideoCodec> codecs() {
    return List.of(VideoCodec.values());
  }

  /** The encoder of {@code codec}; it encodes while at least one peer uses it. */
  ActorRef<VideoEncoderActor.Command> encoderFor(VideoCodec codec);

  /** The peer no longer needs {@code codec}. */
  void release(VideoCodec codec);
}
