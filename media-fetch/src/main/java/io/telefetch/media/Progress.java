package io.telefetch.media;

/**
 * A progress event of a download ({@link DownloadRequest#withProgress}). In the API package, not in
 * {@code media.engine} (which is internal), so that a listener can read it.
 *
 * @param bytesDone bytes delivered in order so far
 * @param totalBytes bytes the download will deliver, or -1 if unknown
 * @param bytesPerSecond average rate since the start
 * @param window parts allowed in flight now (the adaptive window)
 * @param inFlight parts requested and not yet answered
 */
public record Progress(long bytesDone, long totalBytes, double bytesPerSecond, int window, int inFlight) {}
