package org.streamstack.media.encoder;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_DEBUG;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads FFmpeg's native libraries once per process and sends FFmpeg's log to SLF4J.
 *
 * <p>The first load extracts about 43 MB to {@code ~/.javacpp/cache} and takes about a second:
 * the media node calls {@link #load} at startup, never on a session's path. Every encoder also
 * calls it, which costs nothing once loaded.
 */
public final class FfmpegRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(FfmpegRuntime.class);
  /** FFmpeg's own messages, under one logger so deployments can tune them apart. */
  private static final Logger FFMPEG_LOG = LoggerFactory.getLogger("ffmpeg");

  /**
   * Warnings we know and decided about, logged at DEBUG instead: OpenH264 repeats them at every
   * encoder open (and a bitrate change re-opens). "without enabling skip frame": we keep frame
   * skipping off on purpose (see {@link FfmpegVideoEncoder}). "doesn't support profile(578)":
   * FFmpeg 8's wrapper hands OpenH264 FFmpeg's constant for constrained baseline (578), which
   * OpenH264 does not know; it falls back to its default, baseline with CAVLC, and writes SPS
   * profile_idc 66 with constraint_set0 and constraint_set1 (profile-level-id 42c0xx: constrained
   * baseline), which is what we asked for. "frames left in the queue on closing": FFmpeg's
   * libopus wrapper, when an Opus encoder closes (or re-opens for a new setting) undrained; a live
   * stream has no end to drain, and a re-opened Opus encoder is primed instead (see
   * {@code org.streamstack.media.audio.OpusEncoder}).
   */
  private static final String[] DEMOTED = {
    "without enabling skip frame", "doesn't support profile(578)", "frames left in the queue on closing"
  };

  private static volatile boolean loaded;
  /** Held so the garbage collector never frees the function pointer FFmpeg calls. */
  private static LogRouter logRouter;

  private FfmpegRuntime() {}

  /** Loads avutil and avcodec and routes the log; idempotent and thread-safe. */
  public static void load() {
    if (loaded) return;
    synchronized (FfmpegRuntime.class) {
      if (loaded) return;
      long start = System.nanoTime();
      Loader.load(avutil.class);
      Loader.load(avcodec.class);
      logRouter = new LogRouter();
      avutil.av_log_set_level(AV_LOG_WARNING);
      avutil.setLogCallback(logRouter);
      loaded = true;
      LOG.info(
          "FFmpeg {} loaded in {} ms",
          avutil.av_version_info().getString(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }

  /** FFmpeg's text for an error code. */
  public static String errorText(int code) {
    byte[] buf = new byte[256];
    avutil.av_strerror(code, buf, buf.length);
    int n = 0;
    while (n < buf.length && buf[n] != 0) n++;
    return new String(buf, 0, n, StandardCharsets.UTF_8) + " (" + code + ")";
  }

  /**
   * FFmpeg's log, through the presets' {@code setLogCallback}: its native side formats the line
   * and hands Java the text. (A plain {@code av_log_set_callback} hands Java a {@code va_list},
   * and {@code av_log_format_line} on that pointer prints garbage with these presets.)
   */
  private static final class LogRouter extends LogCallback {
    @Override
    public void call(int level, BytePointer message) {
      // FFmpeg calls the callback for every message, debug ones included: filter first.
      if ((level & 0xFF) > avutil.av_log_get_level()) return;
      String text = message.getString(StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) return;
      for (String known : DEMOTED) {
        if (text.contains(known)) {
          FFMPEG_LOG.debug(text);
          return;
        }
      }
      int l = level & 0xFF;
      if (l <= AV_LOG_ERROR) {
        FFMPEG_LOG.error(text);
      } else if (l <= AV_LOG_WARNING) {
        FFMPEG_LOG.warn(text);
      } else if (l <= AV_LOG_INFO) {
        FFMPEG_LOG.info(text);
      } else if (l <= AV_LOG_DEBUG) {
        FFMPEG_LOG.debug(text);
      } else {
        FFMPEG_LOG.trace(text);
      }
    }
  }
}
