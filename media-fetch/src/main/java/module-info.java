/**
 * What to download ({@link io.telefetch.media.MediaFile}) and the parallel, verified, resumable
 * downloader ({@link io.telefetch.media.MediaFetcher}). The download engine ({@code media.engine})
 * is internal.
 */
module io.telefetch.media {
  requires transitive io.telefetch.mtproto;
  requires org.slf4j;

  exports io.telefetch.media;
}
