package io.telefetch.testkit.launcher;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.telefetch.mtproto.client.ClientOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.client.ServerKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON a launched cluster describes itself with: the contract for the demo and for foreign
 * clients (every field is documented in the module README). Values that may not fit a JavaScript
 * number (RSA fingerprints, access hashes) are decimal strings; JSON field names are snake_case.
 *
 * @param dcs every server: main DCs, media-only options, the CDN DC
 * @param rsa the RSA key clients must trust to create auth keys with the DCs
 * @param cdnRsa the CDN DC's own key (also in help.getCdnConfig), or null without a CDN
 * @param apiId the api_id login calls must carry
 * @param apiHash the api_hash login calls must carry
 * @param botToken a bot's token for auth.importBotAuthorization
 * @param webBaseUrl the base of the t.me pages, e.g. {@code http://127.0.0.1:PORT}
 * @param mtproxySecret the MTProxy secret obfuscated clients must use (hex, {@code dd}-prefixed when
 *     padding is required), or null
 * @param mtproxy the MTProxy address routing to every DC by the header's DC id, or null without a
 *     secret
 * @param demoUser a user account for the links only users may resolve (only with {@code --links}), else null
 * @param links sample links of every kind with their media (only with {@code --links}), else null
 * @param guestAccess whether clients that never logged in may read public channels and download
 * @param channels the seeded channels
 * @param accounts extra bot accounts for an account pool (the launcher's {@code --accounts}), each
 *     with its name, or null without any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LaunchConfig(
    @JsonProperty("dcs") List<Dc> dcs,
    @JsonProperty("rsa") Rsa rsa,
    @JsonProperty("cdn_rsa") @Nullable Rsa cdnRsa,
    @JsonProperty("api_id") int apiId,
    @JsonProperty("api_hash") String apiHash,
    @JsonProperty("bot_token") String botToken,
    @JsonProperty("web_base_url") String webBaseUrl,
    @JsonProperty("mtproxy_secret") @Nullable String mtproxySecret,
    @JsonProperty("mtproxy") @Nullable MtProxy mtproxy,
    @JsonProperty("guest_access") boolean guestAccess,
    @JsonProperty("channels") List<Channel> channels,
    @JsonProperty("links") @Nullable List<Link> links,
    @JsonProperty("demo_user") @Nullable DemoUser demoUser,
    @JsonProperty("accounts") @Nullable List<Account> accounts) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public LaunchConfig {
    dcs = List.copyOf(dcs);
    channels = List.copyOf(channels);
    links = links == null ? null : List.copyOf(links);
    accounts = accounts == null ? null : List.copyOf(accounts);
  }

  /** A config without extra accounts. */
  public LaunchConfig(List<Dc> dcs, Rsa rsa, @Nullable Rsa cdnRsa, int apiId, String apiHash, String botToken,
      String webBaseUrl, @Nullable String mtproxySecret, @Nullable MtProxy mtproxy, boolean guestAccess,
      List<Channel> channels, @Nullable List<Link> links, @Nullable DemoUser demoUser) {
    this(dcs, rsa, cdnRsa, apiId, apiHash, botToken, webBaseUrl, mtproxySecret, mtproxy, guestAccess, channels, links,
        demoUser, null);
  }

  /**
   * A bot account of the launcher's {@code --accounts}: one per name, each its own user (its own
   * auth keys, per-account limits and flood state), every one able to read the seeded channels.
   *
   * @param name the name given to {@code --accounts}
   * @param username the bot's username, without {@code @}
   * @param botToken its token for auth.importBotAuthorization
   */
  public record Account(
      @JsonProperty("name") String name,
      @JsonProperty("username") String username,
      @JsonProperty("bot_token") String botToken) {}

  /** The extra account named {@code name}, if listed. */
  public java.util.Optional<Account> account(String name) {
    return accounts == null ? java.util.Optional.empty()
        : accounts.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /**
   * One server as help.getConfig lists it.
   *
   * @param id the DC id (the CDN DC's is 203 by default)
   * @param host always a loopback address
   * @param port its TCP port
   * @param mediaOnly a media-only option of DC {@code id}
   * @param cdn the CDN DC (serves only upload.getCdnFile; trust {@code cdn_rsa} for it)
   */
  public record Dc(
      @JsonProperty("id") int id,
      @JsonProperty("host") String host,
      @JsonProperty("port") int port,
      @JsonProperty("media_only") boolean mediaOnly,
      @JsonProperty("cdn") boolean cdn) {}

  /**
   * The cluster's MTProxy: one address for every DC; the DC is named in the obfuscation header
   * (negative for a media-only option).
   *
   * @param host always a loopback address
   * @param port its TCP port
   * @param secret the secret, as {@code mtproxy_secret}
   */
  public record MtProxy(
      @JsonProperty("host") String host,
      @JsonProperty("port") int port,
      @JsonProperty("secret") String secret) {}

  /**
   * An RSA public key.
   *
   * @param publicKeyPem PKCS#1 PEM ({@code -----BEGIN RSA PUBLIC KEY-----}), as Telegram publishes keys
   * @param fingerprint the MTProto fingerprint (low 64 bits of SHA-1 of the TL-serialised key) as a
   *     signed 64-bit decimal string
   */
  public record Rsa(
      @JsonProperty("public_key_pem") String publicKeyPem,
      @JsonProperty("fingerprint") String fingerprint) {}

  /**
   * A seeded channel.
   *
   * @param username without {@code @}
   * @param title the channel title
   * @param id the channel id (as in peerChannel)
   * @param accessHash for inputChannel, a signed 64-bit decimal string
   * @param dc the channel's DC
   * @param messages its posts, one per file
   */
  public record Channel(
      @JsonProperty("username") String username,
      @JsonProperty("title") String title,
      @JsonProperty("id") long id,
      @JsonProperty("access_hash") String accessHash,
      @JsonProperty("dc") int dc,
      @JsonProperty("messages") List<Message> messages) {
    public Channel {
      messages = List.copyOf(messages);
    }
  }

  /**
   * A post carrying one file.
   *
   * @param id the message id in its channel
   * @param fileName the document's file name
   * @param size bytes
   * @param sha256 SHA-256 of the whole file, lowercase hex
   * @param dc the DC storing the file (upload.getFile elsewhere answers FILE_MIGRATE)
   * @param mimeType the document's MIME type
   * @param cdn whether the file is CDN-served (upload.getFile answers upload.fileCdnRedirect)
   * @param url the post's t.me page on the web server
   */
  public record Message(
      @JsonProperty("id") int id,
      @JsonProperty("file_name") String fileName,
      @JsonProperty("size") long size,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("dc") int dc,
      @JsonProperty("mime_type") String mimeType,
      @JsonProperty("cdn") boolean cdn,
      @JsonProperty("url") String url) {}

  /** A config without sample links (the launcher without {@code --links}). */
  public LaunchConfig(List<Dc> dcs, Rsa rsa, Rsa cdnRsa, int apiId, String apiHash, String botToken, String webBaseUrl,
      String mtproxySecret, MtProxy mtproxy, boolean guestAccess, List<Channel> channels) {
    this(dcs, rsa, cdnRsa, apiId, apiHash, botToken, webBaseUrl, mtproxySecret, mtproxy, guestAccess, channels, null,
        null, null);
  }

  /**
   * A sample link of one kind (the launcher's {@code --links}), with what it resolves to.
   *
   * @param kind {@code post}, {@code album}, {@code single}, {@code comment}, {@code topic}, {@code
   *     private_post}, {@code story}, {@code invite}, {@code username}, {@code webpage_document} or
   *     {@code renamed}
   * @param link the link as a user pastes it, on {@code https://t.me}
   * @param url the same link on the web server ({@code web_base_url}); null when t.me shows no
   *     public page for it ({@code /c/} links)
   * @param account who can resolve it: {@code bot} (the demo bot or the demo user) or {@code user} (only
   *     the demo user: Telegram answers {@code BOT_METHOD_INVALID} to bots for {@code
   *     messages.checkChatInvite} and {@code stories.getStoriesByID})
   * @param note what the link points to and how it resolves
   * @param media the files it resolves to, in order, each with its SHA-256
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Link(
      @JsonProperty("kind") String kind,
      @JsonProperty("link") String link,
      @JsonProperty("url") @Nullable String url,
      @JsonProperty("account") String account,
      @JsonProperty("note") String note,
      @JsonProperty("media") List<Media> media) {
    public Link {
      media = List.copyOf(media);
    }
  }

  /**
   * The demo user account (with {@code --links}): log in with {@code auth.sendCode} ({@code api_id},
   * {@code api_hash}) and {@code auth.signIn} with this code, on its home DC ({@code
   * PHONE_MIGRATE_X} elsewhere).
   *
   * @param phone the phone number
   * @param loginCode the code {@code auth.signIn} accepts
   * @param dc its home DC
   */
  public record DemoUser(
      @JsonProperty("phone") String phone,
      @JsonProperty("login_code") String loginCode,
      @JsonProperty("dc") int dc) {}

  /**
   * One file a sample link resolves to.
   *
   * @param fileName the document's file name, or {@code photo_ID_TYPE.jpg} for a photo size
   * @param size bytes
   * @param sha256 SHA-256 of the whole file, lowercase hex
   * @param dc the DC storing the bytes
   * @param mimeType the MIME type ({@code image/jpeg} for photos)
   */
  public record Media(
      @JsonProperty("file_name") String fileName,
      @JsonProperty("size") long size,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("dc") int dc,
      @JsonProperty("mime_type") String mimeType) {}

  /**
   * Client options ready for the launched cluster: its {@code api_id} and {@code api_hash}, its
   * main DCs and media-only options (the CDN DC is learnt from help.getCdnConfig), its RSA key, and
   * home DC the first DC listed. Log in with {@link #botToken()} (or the demo user) on the built
   * client.
   */
  public ClientOptions.Builder clientOptions() {
    List<DcOption> options = new java.util.ArrayList<>();
    for (Dc dc : dcs) {
      if (!dc.cdn()) {
        options.add(DcOption.builder(dc.id(), dc.host(), dc.port()).mediaOnly(dc.mediaOnly()).build());
      }
    }
    if (options.isEmpty()) {
      throw new IllegalStateException("the config lists no DC");
    }
    return TelegramClient.builder().apiId(apiId).apiHash(apiHash).dcOptions(DcOptions.of(options))
        .serverKeys(ServerKeys.fromPem(rsa.publicKeyPem())).mainDc(options.get(0).id());
  }

  /** The sample link of {@code kind}, if listed. */
  public java.util.Optional<Link> link(String kind) {
    return links == null ? java.util.Optional.empty()
        : links.stream().filter(l -> l.kind().equals(kind)).findFirst();
  }

  /** The channel with {@code username}, if listed. */
  public java.util.Optional<Channel> channel(String username) {
    return channels.stream().filter(c -> c.username().equalsIgnoreCase(username)).findFirst();
  }

  /** This config as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses the JSON the launcher writes (unknown fields are ignored). */
  public static LaunchConfig parse(String json) {
    try {
      return JSON.readValue(json, LaunchConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a launcher config: " + e.getMessage(), e);
    }
  }

  /** Reads the JSON file the launcher wrote with {@code --config-out}. */
  public static LaunchConfig read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), LaunchConfig.class);
  }
}
