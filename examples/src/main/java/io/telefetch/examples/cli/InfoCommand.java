package io.telefetch.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.telefetch.link.LinkPreview;
import io.telefetch.link.LinkPreviews;
import io.telefetch.link.LinkResolver;
import io.telefetch.link.Peer;
import io.telefetch.link.ResolvedLink;
import io.telefetch.link.TelegramLink;
import io.telefetch.media.MediaFile;
import io.telefetch.media.SafeFileNames;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttribute;
import io.telefetch.tl.api.DocumentAttributeAudio;
import io.telefetch.tl.api.DocumentAttributeImageSize;
import io.telefetch.tl.api.DocumentAttributeVideo;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telefetch info LINK}: one JSON object describing what the link points to: {@code kind},
 * {@code peer}, {@code message} (id, date, text), {@code media} (name, size, MIME type, duration,
 * width and height, DC, per file) and {@code preview}, the public page's OpenGraph preview
 * ({@link LinkPreviews}). Without an account (no session, or {@code --no-account}) only {@code
 * kind} and {@code preview}; {@code account_error} says why the account part is missing when an
 * account failed. Exit status 0 when anything could be shown, 1 otherwise.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Describe a t.me link as JSON: kind, peer, message, media and the public preview.")
public final class InfoCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(paramLabel = "LINK", description = "a t.me or tg:// link")
  String link;

  @Option(names = "--no-account", description = "only the public preview: no login, no Telegram API call")
  boolean noAccount;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "give up after this many seconds (default ${DEFAULT-VALUE})")
  long timeoutSeconds = 60;

  @Override
  protected int execute() throws Exception {
    TelegramLink parsed = TelegramLink.parse(link.strip());
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    ObjectNode root = JSON.createObjectNode();
    root.put("link", link.strip());
    root.put("kind", parsed.kind().jsonName());
    boolean resolvedOk = false;
    String webBase = LinkPreviews.TELEGRAM;
    Exception accountError = null;
    if (!noAccount && options.hasAccount(io)) {
      try (AccountClient account = options.openLoggedIn(io)) {
        webBase = account.webBaseUrl();
        root.put("account", account.account());
        describe(LinkResolver.create(account.client()), parsed, root, timeout);
        resolvedOk = true;
      } catch (Exception e) {
        accountError = e;
      }
    } else if (options.launchConfig() != null) {
      webBase = options.launchConfig().webBaseUrl();
    }
    boolean previewOk = false;
    try (LinkPreviews previews = LinkPreviews.builder().baseUrl(webBase).timeout(timeout).build()) {
      LinkPreview p = CliErrors.await(previews.preview(parsed), timeout);
      ObjectNode n = root.putObject("preview");
      n.put("url", p.url());
      n.put("title", p.title());
      n.put("description", p.description());
      p.imageUrl().ifPresent(v -> n.put("image", v));
      p.videoUrl().ifPresent(v -> n.put("video", v));
      p.author().ifPresent(v -> n.put("author", v));
      n.put("has_media", p.hasMedia());
      n.put("album_size", p.albumSize());
      previewOk = true;
    } catch (Exception e) {
      root.putNull("preview");
      root.put("preview_error", CliErrors.describe(e).message());
    }
    if (accountError != null) {
      CliErrors.Problem problem = CliErrors.describe(accountError);
      root.put("account_error", problem.message());
      root.put("account_hint", problem.hint());
    }
    io.out().println(JSON.writeValueAsString(root));
    if (!resolvedOk && !previewOk) {
      if (accountError != null) {
        throw accountError;
      }
      return 1;
    }
    return accountError == null ? 0 : 1;
  }

  private static void describe(LinkResolver resolver, TelegramLink link, ObjectNode root, Duration timeout)
      throws Exception {
    ResolvedLink r = CliErrors.await(resolver.resolve(link), timeout);
    r.peer().ifPresent(p -> peer(p, root.putObject("peer")));
    Map<Long, Document> documents = new HashMap<>();
    List<Integer> ids = r.messageIds();
    if (r.peer().isPresent() && !ids.isEmpty() && r.storyId().isEmpty()) {
      List<MessageType> messages = CliErrors.await(resolver.messages(r.peer().get(),
          ids.stream().mapToInt(i -> i).toArray()), timeout);
      ObjectNode m = root.putObject("message");
      m.put("id", ids.get(0));
      if (ids.size() > 1) {
        ArrayNode all = m.putArray("ids");
        ids.forEach(all::add);
      }
      for (MessageType t : messages) {
        if (t instanceof Message msg) {
          if (!m.has("date")) {
            m.put("date", Instant.ofEpochSecond(msg.date()).toString());
          }
          if (!msg.message().isEmpty() && !m.has("text")) {
            m.put("text", msg.message());
          }
          if (msg.media() instanceof MessageMediaDocument d && d.document() instanceof Document doc) {
            documents.put(doc.id(), doc);
          }
        }
      }
    }
    r.storyId().ifPresent(s -> root.put("story", s));
    r.invite().ifPresent(i -> {
      ObjectNode n = root.putObject("invite");
      n.put("title", i.title());
      n.put("participants", i.participants());
      n.put("member", i.member());
    });
    ArrayNode media = root.putArray("media");
    for (MediaFile f : r.media()) {
      ObjectNode n = media.addObject();
      n.put("name", SafeFileNames.of(f));
      n.put("size", f.size());
      n.put("mime_type", f.mimeType());
      n.put("dc", f.dcId());
      Document doc = documents.get(DownloadCommand.mediaId(f.location()));
      if (doc != null) {
        for (DocumentAttribute a : doc.attributes()) {
          if (a instanceof DocumentAttributeVideo v) {
            n.put("duration", v.duration());
            n.put("width", v.w());
            n.put("height", v.h());
          } else if (a instanceof DocumentAttributeAudio au) {
            n.put("duration", (double) au.duration());
          } else if (a instanceof DocumentAttributeImageSize im && !n.has("width")) {
            n.put("width", im.w());
            n.put("height", im.h());
          }
        }
      }
    }
  }

  private static void peer(Peer p, ObjectNode n) {
    n.put("type", p.type().name().toLowerCase(java.util.Locale.ROOT));
    n.put("id", p.id());
    if (p.username() != null) {
      n.put("username", p.username());
    }
    if (p.title() != null) {
      n.put("title", p.title());
    }
  }
}
