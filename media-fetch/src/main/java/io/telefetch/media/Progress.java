package io.telefetch.media;

/**
 * A progress event of a download ({@link DownloadRequest#withProgress}). In the API package, not in
 * {@code media.engine} (which is internal), so that a listener can read it.
 *
 * <p>The counts are of the whole download, not of one session of it: when a download to a path
 * resumes a partial file, {@code bytesDone} starts at the bytes already saved and {@code
 * position} at the file offset where the download continues.
 *
 * @param bytesDone bytes of the requested range delivered (or found saved by a resume) so far
 * @param totalBytes bytes of the requested range, or -1 if unknown
 * @param bytesPerSecond average rate since this session of the download started
 * @param window parts allowed in flight now (the adaptive window)
 * @param inFlight parts requested and not yet answered
 * @param position the file offset one past the last byte delivered (absolute in the file)
 */
public record Progress(long bytesDone, long totalBytes, double bytesPerSecond, int window, int inFlight,
    long position) {}
