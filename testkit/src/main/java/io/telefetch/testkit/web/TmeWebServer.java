package io.telefetch.testkit.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldMedia;
import io.telefetch.testkit.world.WorldPhoto;
import io.telefetch.testkit.world.WorldStory;
import io.telefetch.testkit.world.WorldTopic;
import io.telefetch.testkit.world.WorldUser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback HTTP server serving t.me-shaped pages for the public channels of a {@link World}.
 *
 * <p>Routes (all {@code GET} or {@code HEAD}):
 *
 * <ul>
 *   <li>{@code /{username}/{id}} - the post page, with OpenGraph tags ({@code og:title} = channel
 *       title, {@code og:description} = text, {@code og:image}, {@code og:video} with type, width
 *       and height for a video, {@code og:site_name} = Telegram) and Twitter card tags; an album
 *       member shows the whole album;
 *   <li>{@code /{username}/{id}?embed=1} - the embed widget page (no OpenGraph tags);
 *   <li>{@code /{username}/{id}?single} - one album item alone (combinable with {@code embed=1});
 *   <li>{@code /s/{username}[?before=ID]} - the channel preview, 20 newest entries per page;
 *   <li>{@code /{username}} - the channel (or user) page;
 *   <li>{@code /_/...} - the media the pages point to: documents (with {@code Range} support),
 *       photo sizes, video thumbnails and generated avatars.
 * </ul>
 *
 * <p>A missing channel or post answers status 404 with a t.me-style "not found" page that has no
 * {@code og:description} (embed pages: 404 with t.me's "Post not found" widget). A username
 * recorded with {@link #rename} answers 301 to the same path under the new username.
 *
 * <pre>{@code
 * try (TmeWebServer web = TmeWebServer.start(world)) {
 *   String url = web.postUrl(channel, post.id());   // http://127.0.0.1:PORT/telefetch_demo/1
 * }
 * }</pre>
 */
public final class TmeWebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TmeWebServer.class);
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{3,31}");
  private static final Pattern INVITE_HASH = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final World world;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;
  private final TmePages pages;
  private final Map<String, String> renames = new ConcurrentHashMap<>();
  private final Map<String, FileContent> generated = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private volatile boolean closed;

  private TmeWebServer(World world, InetSocketAddress address) throws IOException {
    this.world = Objects.requireNonNull(world, "world");
    this.server = HttpServer.create(address, 64);
    int n = SERVERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "tme-web-" + n + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::exchange);
    server.start();
    this.baseUrl = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    this.pages = new TmePages(world, baseUrl);
  }

  /** Starts a server for {@code world} on a free loopback port. */
  public static TmeWebServer start(World world) {
    return start(world, 0);
  }

  /** Starts a server for {@code world} on loopback port {@code port} (0 for a free one). */
  public static TmeWebServer start(World world, int port) {
    try {
      return new TmeWebServer(world, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the t.me web server", e);
    }
  }

  /** The base URL, without a trailing slash: {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The world the pages show. */
  public World world() {
    return world;
  }

  /** The URL of the page of post {@code id} of a public channel: {@code BASE/username/id}. */
  public String postUrl(WorldChannel channel, int id) {
    return pages.postUrl(channel.username().orElseThrow(() -> new IllegalArgumentException(channel + " is private")), id);
  }

  /** The URL of the page of {@code message}, which must be in a public channel of the world. */
  public String postUrl(WorldMessage message) {
    WorldChannel channel = world.channel(message.channelId())
        .orElseThrow(() -> new IllegalArgumentException(message + " is not in this world"));
    return postUrl(channel, message.id());
  }

  /**
   * Records that a channel formerly known as {@code @oldUsername} is now {@code @newUsername}: while
   * no channel or user owns the old name, every page under it answers {@code 301 Moved
   * Permanently} to the same path and query under the new one (t.me links posted before a rename
   * keep working). The world itself has no username history, hence this map.
   */
  public TmeWebServer rename(String oldUsername, String newUsername) {
    renames.put(normalize(oldUsername), strip(Objects.requireNonNull(newUsername, "newUsername")));
    return this;
  }

  /** How many requests the server has answered. */
  public long requestCount() {
    return requests.get();
  }

  /** Stops listening and ends every exchange in progress. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "TmeWebServer[" + baseUrl + "]";
  }

  // ------------------------------------------------------------------ dispatch

  private void exchange(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      String method = ex.getRequestMethod();
      WebResponse response;
      if (!method.equals("GET") && !method.equals("HEAD")) {
        response = new WebResponse(405, "text/plain; charset=utf-8", Map.of("Allow", "GET, HEAD"),
            WebResponse.bytes("Method Not Allowed\n".getBytes(StandardCharsets.UTF_8)));
      } else {
        try {
          response = respond(ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
              ex.getRequestHeaders().getFirst("Range"));
        } catch (RuntimeException e) {
          log.warn("t.me page {} failed", ex.getRequestURI(), e);
          response = new WebResponse(500, "text/plain; charset=utf-8", Map.of(),
              WebResponse.bytes("Internal Server Error\n".getBytes(StandardCharsets.UTF_8)));
        }
      }
      ex.getResponseHeaders().set("Content-Type", response.contentType());
      response.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      long length = response.body().length();
      if (method.equals("HEAD")) {
        ex.getResponseHeaders().set("Content-Length", Long.toString(length));
        ex.sendResponseHeaders(response.status(), -1);
        return;
      }
      ex.sendResponseHeaders(response.status(), length == 0 ? -1 : length);
      if (length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          response.body().writeTo(out);
        }
      }
    } catch (IOException e) {
      log.debug("t.me client went away: {}", e.toString());
    }
  }

  /** Answers one GET; package-private for tests. */
  WebResponse respond(String rawPath, String rawQuery, String range) {
    Map<String, String> query = parseQuery(rawQuery);
    String path = rawPath == null ? "/" : rawPath;
    List<String> parts = List.of(path.split("/")).stream().filter(s -> !s.isEmpty())
        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    if (!parts.isEmpty() && parts.get(0).equals("_")) {
      return media(parts.subList(1, parts.size()), range);
    }
    String rawFirst = path.startsWith("/") && path.length() > 1 ? path.substring(1).split("/", -1)[0] : "";
    if (rawFirst.startsWith("+") || rawFirst.startsWith("%2B") || (!parts.isEmpty() && parts.get(0).equals("joinchat"))) {
      return invite(parts, rawFirst, query);
    }
    boolean preview = !parts.isEmpty() && parts.get(0).equals("s");
    List<String> rest = preview ? parts.subList(1, parts.size()) : parts;
    boolean story = !preview && rest.size() == 3 && rest.get(1).equals("s");
    boolean topicPost = !preview && !story && rest.size() == 3;
    if (rest.isEmpty() || rest.size() > 3 || (preview && rest.size() != 1) || !USERNAME.matcher(rest.get(0)).matches()) {
      return notFound("Page not found", "This page doesn't exist.", query);
    }
    String username = rest.get(0);
    Optional<Object> owner = world.resolve(username);
    if (owner.isEmpty()) {
      String renamed = renames.get(normalize(username));
      if (renamed == null) {
        renamed = world.renamedTo(username).orElse(null);
      }
      if (renamed != null) {
        StringBuilder location = new StringBuilder(baseUrl).append(preview ? "/s/" : "/").append(renamed);
        for (String p : rest.subList(1, rest.size())) {
          location.append('/').append(p);
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
          location.append('?').append(rawQuery);
        }
        return WebResponse.redirect(301, location.toString());
      }
      return notFound("Channel not found", "@" + username + " doesn't exist.", query);
    }
    if (story) {
      Optional<WorldStory> s = parseInt(rest.get(2)).flatMap(i -> world.story(owner.get(), i))
          .filter(x -> !world.isExpired(x));
      if (s.isEmpty()) {
        return notFound("Story not found", "This story doesn't exist or has expired.", query);
      }
      return WebResponse.html(200, pages.storyPage(username, s.get()));
    }
    if (owner.get() instanceof WorldUser user) {
      if (rest.size() == 1 && !preview) {
        return WebResponse.html(200, pages.userPage(user));
      }
      return notFound("Post not found", "This post doesn't exist or was deleted.", query);
    }
    WorldChannel channel = (WorldChannel) owner.get();
    if (topicPost) {
      // /username/<topic>/<msg>: a post of a forum topic, served like /username/<msg> when it is in that topic
      Optional<WorldTopic> topic = parseInt(rest.get(1)).flatMap(t -> world.topic(channel, t));
      Optional<WorldMessage> inTopic = topic.flatMap(t -> parseInt(rest.get(2)).flatMap(i -> world.message(channel, i))
          .filter(m -> !m.isService() && m.topicId() == t.id()));
      if (inTopic.isEmpty()) {
        return notFound("Post not found", "This post doesn't exist or was deleted.", query);
      }
      boolean single = query.containsKey("single");
      return WebResponse.html(200, isEmbed(query) ? pages.embedPage(channel, inTopic.get(), single)
          : pages.postPage(channel, inTopic.get(), single));
    }
    if (preview) {
      int before = parseInt(query.get("before")).orElse(0);
      return WebResponse.html(200, pages.previewPage(channel, before));
    }
    if (rest.size() == 1) {
      return WebResponse.html(200, pages.channelPage(channel));
    }
    Optional<Integer> id = parseInt(rest.get(1));
    Optional<WorldMessage> message = id.flatMap(i -> world.message(channel, i)).filter(m -> !m.isService());
    if (message.isEmpty()) {
      return notFound("Post not found", "This post doesn't exist or was deleted.", query);
    }
    boolean single = query.containsKey("single");
    if (isEmbed(query)) {
      return WebResponse.html(200, pages.embedPage(channel, message.get(), single));
    }
    return WebResponse.html(200, pages.postPage(channel, message.get(), single));
  }

  /** {@code /+HASH} and {@code /joinchat/HASH}: the invite page of a private channel, or 404. */
  private WebResponse invite(List<String> parts, String rawFirst, Map<String, String> query) {
    String hash;
    if (parts.get(0).equals("joinchat")) {
      if (parts.size() != 2) {
        return notFound("Invite link not found", "This invite link is invalid or has expired.", query);
      }
      hash = parts.get(1);
    } else {
      if (parts.size() != 1) {
        return notFound("Page not found", "This page doesn't exist.", query);
      }
      hash = URLDecoder.decode(rawFirst, StandardCharsets.UTF_8).substring(1);
    }
    Optional<WorldChannel> channel = INVITE_HASH.matcher(hash).matches() ? world.channelByInviteHash(hash)
        : Optional.empty();
    if (channel.isEmpty()) {
      return notFound("Invite link not found", "This invite link is invalid or has expired.", query);
    }
    return WebResponse.html(200, pages.invitePage(hash, channel.get()));
  }

  private WebResponse notFound(String title, String description, Map<String, String> query) {
    return WebResponse.html(404, isEmbed(query) ? pages.embedNotFound() : pages.notFoundPage(title, description));
  }

  private static boolean isEmbed(Map<String, String> query) {
    String e = query.get("embed");
    return e != null && !e.equals("0") && !e.equalsIgnoreCase("false");
  }

  // ------------------------------------------------------------------ media

  private WebResponse media(List<String> parts, String range) {
    if (parts.size() == 1 && parts.get(0).equals("logo.jpg")) {
      return jpeg(generated("logo", () -> FileContent.jpeg(320, 320, 0x7E1E_6AA7L)), range);
    }
    if (parts.size() == 2 && parts.get(0).equals("avatar") && parts.get(1).endsWith(".jpg")) {
      String name = parts.get(1).substring(0, parts.get(1).length() - 4);
      Optional<Object> owner = world.resolve(name);
      if (owner.isEmpty()) {
        return mediaNotFound();
      }
      long seed = owner.get() instanceof WorldChannel c ? c.id() : ((WorldUser) owner.get()).id();
      return jpeg(generated("avatar/" + seed, () -> FileContent.jpeg(160, 160, seed)), range);
    }
    if (parts.size() == 2 && parts.get(0).equals("invite") && parts.get(1).endsWith(".jpg")) {
      Optional<WorldChannel> c = world.channelByInviteHash(parts.get(1).substring(0, parts.get(1).length() - 4));
      if (c.isEmpty()) {
        return mediaNotFound();
      }
      if (c.get().photo().isPresent()) {
        return jpeg(c.get().photo().get().largest().content(), range);
      }
      long seed = c.get().id();
      return jpeg(generated("avatar/" + seed, () -> FileContent.jpeg(160, 160, seed)), range);
    }
    if (parts.size() >= 4 && parts.get(0).equals("story")) {
      Optional<WorldStory> story = world.resolve(parts.get(1))
          .flatMap(o -> parseInt(parts.get(2)).flatMap(i -> world.story(o, i)));
      if (story.isEmpty()) {
        return mediaNotFound();
      }
      return mediaItem(story.get().media(), parts.subList(3, parts.size()), range);
    }
    if (parts.size() < 3) {
      return mediaNotFound();
    }
    if (parts.get(0).equals("webpage")) {
      Optional<WorldMessage> m = world.channelByUsername(parts.get(1))
          .flatMap(c -> parseInt(parts.get(2)).flatMap(i -> world.message(c, i)));
      if (m.isEmpty() || m.get().webPage().isEmpty() || parts.size() < 4) {
        return mediaNotFound();
      }
      List<String> what = parts.subList(3, parts.size());
      WorldMedia item = what.get(0).equals("file") ? m.get().webPage().get().document()
          : m.get().webPage().get().photo();
      return item == null ? mediaNotFound() : mediaItem(item, what, range);
    }
    Optional<WorldMessage> found = world.channelByUsername(parts.get(1))
        .flatMap(c -> parseInt(parts.get(2).replaceFirst("\\.jpg$", "")).flatMap(i -> world.message(c, i)));
    if (found.isEmpty()) {
      return mediaNotFound();
    }
    WorldMessage m = found.get();
    switch (parts.get(0)) {
      case "file" -> {
        if (parts.size() != 4 || m.document().isEmpty()) {
          return mediaNotFound();
        }
        WorldDocument d = m.document().get();
        return ranged(d.content(), d.mimeType(), range);
      }
      case "photo" -> {
        if (parts.size() != 4 || m.photo().isEmpty() || !parts.get(3).endsWith(".jpg")) {
          return mediaNotFound();
        }
        String type = parts.get(3).substring(0, parts.get(3).length() - 4);
        return m.photo().get().size(type).map(s -> jpeg(s.content(), range)).orElseGet(TmeWebServer::mediaNotFound);
      }
      case "thumb" -> {
        if (parts.size() != 3 || m.document().isEmpty()) {
          return mediaNotFound();
        }
        WorldDocument d = m.document().get();
        if (!d.thumbs().isEmpty()) {
          return jpeg(d.thumbs().get(d.thumbs().size() - 1).content(), range);
        }
        int w = d.video().map(WorldDocument.Video::w).orElse(320);
        int h = d.video().map(WorldDocument.Video::h).orElse(180);
        int tw = 320;
        int th = Math.max(1, Math.min(4096, (int) ((long) h * tw / Math.max(1, w))));
        return jpeg(generated("thumb/" + d.id(), () -> FileContent.jpeg(tw, th, d.id())), range);
      }
      default -> {
        return mediaNotFound();
      }
    }
  }

  /**
   * A media item's bytes by the tail of its URL: {@code file/NAME} (a document), {@code
   * photo/TYPE.jpg} (a photo size), {@code thumb.jpg} (a document's thumbnail, or a generated one).
   */
  private WebResponse mediaItem(WorldMedia media, List<String> what, String range) {
    if (what.size() == 2 && what.get(0).equals("file") && media instanceof WorldDocument d) {
      return ranged(d.content(), d.mimeType(), range);
    }
    if (what.size() == 2 && what.get(0).equals("photo") && media instanceof WorldPhoto p && what.get(1).endsWith(".jpg")) {
      String type = what.get(1).substring(0, what.get(1).length() - 4);
      return p.size(type).map(s -> jpeg(s.content(), range)).orElseGet(TmeWebServer::mediaNotFound);
    }
    if (what.size() == 1 && what.get(0).equals("thumb.jpg") && media instanceof WorldDocument d) {
      if (!d.thumbs().isEmpty()) {
        return jpeg(d.thumbs().get(d.thumbs().size() - 1).content(), range);
      }
      int w = d.video().map(WorldDocument.Video::w).orElse(320);
      int h = d.video().map(WorldDocument.Video::h).orElse(180);
      int th = Math.max(1, Math.min(4096, (int) ((long) h * 320 / Math.max(1, w))));
      return jpeg(generated("thumb/" + d.id(), () -> FileContent.jpeg(320, th, d.id())), range);
    }
    return mediaNotFound();
  }

  private FileContent generated(String key, java.util.function.Supplier<FileContent> make) {
    return generated.computeIfAbsent(key, k -> make.get());
  }

  private static WebResponse jpeg(FileContent content, String range) {
    return ranged(content, "image/jpeg", range);
  }

  private static WebResponse mediaNotFound() {
    return new WebResponse(404, "text/plain; charset=utf-8", Map.of(),
        WebResponse.bytes("Not Found\n".getBytes(StandardCharsets.UTF_8)));
  }

  /** The content, or the single byte range the {@code Range} header asks for (206 / 416). */
  static WebResponse ranged(FileContent content, String type, String range) {
    long size = content.size();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept-Ranges", "bytes");
    headers.put("Cache-Control", "max-age=86400");
    Matcher m = range == null ? null : RANGE.matcher(range.trim());
    if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new WebResponse(200, type, headers, WebResponse.content(content, 0, size));
    }
    long from;
    long to;
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        from = Math.max(0, size - suffix);
        to = size - 1;
      } else {
        from = Long.parseLong(m.group(1));
        to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      }
    } catch (NumberFormatException e) {
      return new WebResponse(200, type, headers, WebResponse.content(content, 0, size));
    }
    if (from >= size || from > to) {
      headers.put("Content-Range", "bytes */" + size);
      return new WebResponse(416, type, headers, WebResponse.bytes(new byte[0]));
    }
    headers.put("Content-Range", "bytes " + from + "-" + to + "/" + size);
    return new WebResponse(206, type, headers, WebResponse.content(content, from, to - from + 1));
  }

  // ------------------------------------------------------------------ helpers

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static Optional<Integer> parseInt(String s) {
    if (s == null || s.isEmpty() || s.length() > 10) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String strip(String username) {
    return username.startsWith("@") ? username.substring(1) : username;
  }

  private static String normalize(String username) {
    return strip(Objects.requireNonNull(username, "username")).toLowerCase(Locale.ROOT);
  }
}
