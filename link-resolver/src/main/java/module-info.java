/**
 * t.me and tg:// links: the link grammar, OpenGraph previews over HTTP, and their resolution to
 * messages and media ({@code io.telefetch.link}).
 */
module io.telefetch.link {
  requires transitive io.telefetch.media;
  // previews: OkHttp fetches t.me pages (a user may pass its own OkHttpClient, hence transitive),
  // jsoup reads their OpenGraph tags
  requires transitive okhttp3;
  requires org.jsoup;
  requires com.github.benmanes.caffeine; // the in-memory MetadataCache
  requires org.slf4j;

  exports io.telefetch.link;
}
