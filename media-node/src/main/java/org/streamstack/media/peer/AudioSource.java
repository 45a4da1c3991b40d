package org.streamstack.media.peer;

import org.apache.pekko.actor.typed.ActorRef;
import org.streamstack.media.audio.AudioEncoderActor;

/** An instance's sound, encoded to Opus while at least one peer listens. */
public interface AudioSource {

  /** The Opus encoder; it encodes while at least one peer uses it. */
  ActorRef<AudioEncoderActor.Command> encoder();

  /** The peer no longer listens. */
  void release();

  /** For instances without sound: a peer whose client asks for sound is refused it. */
  static AudioSource none() {
    return new AudioSource() {
      @Override
      public ActorRef<AudioEncoderActor.Command> encoder() {
        throw new IllegalStateException("this instance has no sound");
      }

      @Override
      public void release() {}
    };
  }
}
