/**
 * FFmpeg for the {@code telefetch} tool: locating the executable ({@link
 * io.telefetch.examples.ffmpeg.Ffmpeg}: the bundled {@code org.bytedeco:ffmpeg} build or a
 * configured system binary), a streaming {@code -c copy} remuxer ({@link
 * io.telefetch.examples.ffmpeg.Remuxer}: bytes in as they arrive, fragmented MP4 or Matroska out,
 * backpressure both ways) and {@code telefetch download --remux mp4|mkv} ({@link
 * io.telefetch.examples.ffmpeg.RemuxOptions}, {@link io.telefetch.examples.ffmpeg.RemuxDownload}).
 * Nothing else in the tool needs FFmpeg.
 */
package io.telefetch.examples.ffmpeg;
