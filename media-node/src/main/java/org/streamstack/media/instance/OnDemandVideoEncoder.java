package org.streamstack.media.instance;

import java.util.Objects;
import java.util.function.IntFunction;
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
 * instance: its frames produce nothing, and the failure is logged once.
 */
final class OnDemandVideoEncoder implements VideoEncoder {

  private static final Logger log = LoggerFactory.getLogger(OnDemandVideoEncoder.class);

  private final String instanceId;
  private final VideoCodec codec;
  private final String plannedImplementation;
  private final IntFunction<VideoEncoder> open;
  private final Object lock = new Object();
  private VideoEncoder opened;
  private boolean openFailed;
  private boolean closed;
  private int targetBitrate;

  /**
   * @param plannedImplementation what is expected to encode, for names given before opening
   * @param open opens the encoder at the given target bitrate
   */
  OnDemandVideoEncoder(String instanceId, VideoCodec codec, String plannedImplementation, int initialBitrate,
      IntFunction<VideoEncoder> open) {
    this.instanceId = instanceId;
    this.codec = Objects.requireNonNull(codec, "codec");
    this.plannedImplementation = plannedImplementation;
    this.targetBitrate = initialBitrate;
    this.open = Objects.requireNonNull(open, "open");
  }

  @Override
  public EncodedFrame encode(VideoFrame frame) {
    VideoEncoder encoder = openedOrOpen();
    return encoder == null ? null : encoder.encode(frame);
  }

  /** On the encoding thread. */
  private VideoEncoder openedOrOpen() {
    int bitrate;
    synchronized (lock) {
      if (closed) throw new IllegalStateException("encoder closed");
      if (opened != null || openFailed) return opened;
      bitrate = targetBitrate;
    }
    VideoEncoder encoder;
    long started = System.nanoTime();
    try {
      encoder = open.apply(bitrate);
    } catch (RuntimeException e) {
      synchronized (lock) {
        openFailed = true;
      }
      log.error("Instance {}: the {} encoder did not open, so this codec sends nothing: {}", instanceId, codec,
          e.getMessage());
      return null;
    }
    synchronized (lock) {
      opened = encoder;
      // A target that changed while opening wins over the one it opened with.
      if (targetBitrate != bitrate) encoder.setTargetBitrate(targetBitrate);
    }
    log.info("Instance {}: opened its {} encoder ({}) in {} ms for its first peer using it", instanceId, codec,
        encoder.implementationName(), (System.nanoTime() - started) / 1_000_000);
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
