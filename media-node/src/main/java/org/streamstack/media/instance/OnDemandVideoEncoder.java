package org.streamstack.media.instance;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoEncoder;
import org.streamstack.media.video.VideoFrame;

/**
 * A video encoder opened on its first frame. An instance has an encoder actor per codec it may be
 * sent in, but frames reach one only once a peer uses that codec: until then no native encoder
 * (its memory, or one of a GPU's few NVENC sessions) is held, so one node holds many instances.
 *
 * <p>Opening runs on the encoding thread, like every {@link #encode}. The target bitrate set
 * before that is the one the encoder opens with; a keyframe asked for before is moot, since an
 * encoder's first frame is one. An encoder that fails to open is not tried again for this
 * instance at that size: its frames produce nothing, and the failure is logged once.
 *
 * <p>It follows its frames' size: a frame of another size than the open encoder's (the instance
 * was resized, PROTOCOL.md 3) closes that encoder and opens one at the new size, and so does a new
 * frame rate ({@link #setFrameRate}). The new encoder's first frame is a keyframe with the new
 * size in its headers (H.264 SPS and PPS, VP8 key frame header), which the client's decoder follows.
 */
final class OnDemandVideoEncoder implements VideoEncoder {

  private static final Logger log = LoggerFactory.getLogger(OnDemandVideoEncoder.class);

  private final String instanceId;
  private final VideoCodec codec;
  private final String plannedImplementation;
  /** Opens the native encoder of a size, frame rate and target bitrate. */
  @FunctionalInterface
  interface Opener {
    VideoEncoder open(int bitsPerSecond, int width, int height, int fps);
  }

  /** The size and frame rate an encoder was opened (or failed to open) with. */
  private record Geometry(int width, int height, int fps) {}

  private final Opener open;
  private final Object lock = new Object();
  private VideoEncoder opened;
  private Geometry openedAt;
  private Geometry failedAt;
  private boolean closed;
  private int targetBitrate;
  private volatile int fps;

  /**
   * @param plannedImplementation what is expected to encode, for names given before opening
   * @param fps the frame rate encoders open with, until {@link #setFrameRate}
   * @param open opens the encoder at the given target bitrate, frame size and rate
   */
  OnDemandVideoEncoder(String instanceId, VideoCodec codec, String plannedImplementation, int initialBitrate,
      int fps, Opener open) {
    this.instanceId = instanceId;
    this.fps = fps;
    this.codec = Objects.requireNonNull(codec, "codec");
    this.plannedImplementation = plannedImplementation;
    this.targetBitrate = initialBitrate;
    this.open = Objects.requireNonNull(open, "open");
  }

  @Override
  public EncodedFrame encode(VideoFrame frame) {
    VideoEncoder encoder = openedOrOpen(new Geometry(frame.width(), frame.height(), fps));
    return encoder == null ? null : encoder.encode(frame);
  }

  /** The frame rate of the encoders opened from now on; an open one of another rate is reopened. */
  void setFrameRate(int framesPerSecond) {
    fps = framesPerSecond;
  }

  /** On the encoding thread: the encoder of this geometry, opened (again) if it is not open. */
  private VideoEncoder openedOrOpen(Geometry geometry) {
    int bitrate;
    VideoEncoder stale = null;
    synchronized (lock) {
      if (closed) throw new IllegalStateException("encoder closed");
      if (opened != null && openedAt.equals(geometry)) return opened;
      if (opened == null && geometry.equals(failedAt)) return null;
      if (opened != null) {
        stale = opened;
        opened = null;
      }
      bitrate = targetBitrate;
    }
    if (stale != null) {
      stale.close();
      log.info("Instance {}: its {} encoder follows the new size, {}x{} at {} fps", instanceId, codec,
          geometry.width(), geometry.height(), geometry.fps());
    }
    VideoEncoder encoder;
    long started = System.nanoTime();
    try {
      encoder = open.open(bitrate, geometry.width(), geometry.height(), geometry.fps());
    } catch (RuntimeException e) {
      synchronized (lock) {
        failedAt = geometry;
      }
      log.error("Instance {}: the {} encoder did not open at {}x{}, so this codec sends nothing: {}", instanceId,
          codec, geometry.width(), geometry.height(), e.getMessage());
      return null;
    }
    synchronized (lock) {
      opened = encoder;
      openedAt = geometry;
      failedAt = null;
      // A target that changed while opening wins over the one it opened with.
      if (targetBitrate != bitrate) encoder.setTargetBitrate(targetBitrate);
    }
    if (stale == null) {
      log.info("Instance {}: opened its {} encoder ({}) in {} ms for its first peer using it", instanceId, codec,
          encoder.implementationName(), (System.nanoTime() - started) / 1_000_000);
    }
    return encoder;
  }

  /** Whether a native encoder is open now. */
  boolean isOpen() {
    synchronized (lock) {
      return opened != null && !closed;
    }
  }

  @Override
  public void requestKeyframe() {
    VideoEncoder encoder;
    synchronized (lock) {
      encoder = opened;
    }
    if (encoder != null) encoder.requestKeyframe();
  }

  @Override
  public void setTargetBitrate(int bitsPerSecond) {
    synchronized (lock) {
      targetBitrate = bitsPerSecond;
      if (opened != null && !closed) opened.setTargetBitrate(bitsPerSecond);
    }
  }

  @Override
  public int targetBitrate() {
    synchronized (lock) {
      return targetBitrate;
    }
  }

  @Override
  public String implementationName() {
    synchronized (lock) {
      return opened != null ? opened.implementationName() : plannedImplementation;
    }
  }

  @Override
  public VideoCodec codec() {
    return codec;
  }

  @Override
  public void close() {
    VideoEncoder encoder;
    synchronized (lock) {
      if (closed) return;
      closed = true;
      encoder = opened;
    }
    if (encoder != null) encoder.close();
  }
}
