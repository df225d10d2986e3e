package io.telefetch.media.engine;

/**
 * A progress event.
 *
 * @param bytesDone bytes delivered in order so far
 * @param totalBytes bytes the download will deliver, or -1 if unknown
 * @param bytesPerSecond average rate since the start
 * @param window parts allowed in flight now (the adaptive window)
 * @param inFlight parts requested and not yet answered
 */
public record Progress(long bytesDone, long totalBytes, double bytesPerSecond, int window, int inFlight) {}
