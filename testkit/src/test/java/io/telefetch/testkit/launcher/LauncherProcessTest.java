package io.telefetch.testkit.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.ApiSchema;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.DcOption;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.InitConnection;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InvokeWithLayer;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.auth.ImportBotAuthorization;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document.OutputSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher started as a separate JVM, as the demo and foreign clients start it: its JSON must
 * be complete and true, a real client must reach its DCs trusting only the JSON's key, its pages
 * must be served, and SIGTERM must stop it cleanly with status 0.
 */
class LauncherProcessTest {
  private static final List<String> FILES = List.of("clip.mp4:1MiB", "notes.txt:12345:1", "cdn.bin:300KiB:2:cdn");

  @TempDir
  Path dir;

  private Process launch(Path config, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    // as in the runnable jar: no logging (the test class path has logback, which would log to stdout)
    cmd.add("-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Launcher.class.getName());
    cmd.addAll(List.of(extra));
    cmd.addAll(List.of("--config-out", config.toString()));
    return new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve("stdout.txt").toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  private String stderr() throws Exception {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  private void awaitFile(Process p, Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.exists(file)) {
      if (!p.isAlive()) {
        fail("launcher exited with " + p.exitValue() + " before writing its config:\n" + stderr());
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        fail("no config after 90 s:\n" + stderr());
      }
      Thread.sleep(50);
    }
  }

  @Test
  void launchedProcessWritesCompleteJsonServesClientsAndStopsOnSigterm() throws Exception {
    Path config = dir.resolve("out/cluster.json");
    List<String> args = new ArrayList<>(List.of("--dcs", "2", "--media-dc", "2", "--guest-access", "--latency", "1",
        "--rate", "200"));
    FILES.forEach(f -> args.addAll(List.of("--file", f)));
    Process p = launch(config, args.toArray(String[]::new));
    try {
      awaitFile(p, config);
      JsonNode json = new ObjectMapper().readTree(config.toFile());
      assertComplete(json);

      LaunchConfig parsed = LaunchConfig.read(config);
      assertThat(parsed.dcs()).hasSize(4);
      assertThat(parsed.channel("telefetch_demo")).isPresent();

      talkMtproto(json);
      fetchPages(json);

      // stdout carries the same JSON
      assertThat(new ObjectMapper().readTree(Files.readString(dir.resolve("stdout.txt")))).isEqualTo(json);
    } finally {
      p.destroy(); // SIGTERM
    }
    long t0 = System.nanoTime();
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("exits within 15 s of SIGTERM").isTrue();
    System.out.printf("launcher exited %d ms after SIGTERM with status %d%n", (System.nanoTime() - t0) / 1_000_000,
        p.exitValue());
    assertThat(p.exitValue()).as("exit status; stderr:\n%s", stderr()).isZero();
    assertThat(stderr()).contains("telefetch-testkit: stopped").doesNotContain("Exception");
  }

  /** Every field of the contract, with its type and value. */
  private static void assertComplete(JsonNode json) throws Exception {
    assertThat(fieldNames(json)).containsExactlyInAnyOrder("dcs", "rsa", "cdn_rsa", "api_id", "api_hash", "bot_token",
        "web_base_url", "guest_access", "channels");

    JsonNode dcs = json.get("dcs");
    assertThat(dcs).hasSize(4);
    Set<Integer> ports = new TreeSet<>();
    for (JsonNode dc : dcs) {
      assertThat(fieldNames(dc)).containsExactlyInAnyOrder("id", "host", "port", "media_only", "cdn");
      assertThat(dc.get("host").asText()).isEqualTo("127.0.0.1");
      assertThat(dc.get("port").isInt()).isTrue();
      assertThat(dc.get("port").asInt()).isBetween(1, 65535);
      assertThat(dc.get("media_only").isBoolean()).isTrue();
      assertThat(dc.get("cdn").isBoolean()).isTrue();
      ports.add(dc.get("port").asInt());
    }
    assertThat(ports).hasSize(4);
    assertThat(dcs.findValues("id").stream().map(JsonNode::asInt).toList()).containsExactly(1, 2, 2, 203);
    assertThat(dcs.findValues("media_only").stream().map(JsonNode::asBoolean).toList())
        .containsExactly(false, false, true, false);
    assertThat(dcs.findValues("cdn").stream().map(JsonNode::asBoolean).toList())
        .containsExactly(false, false, false, true);

    for (String rsaField : List.of("rsa", "cdn_rsa")) {
      JsonNode rsa = json.get(rsaField);
      assertThat(fieldNames(rsa)).containsExactlyInAnyOrder("public_key_pem", "fingerprint");
      String pem = rsa.get("public_key_pem").asText();
      assertThat(pem).startsWith("-----BEGIN RSA PUBLIC KEY-----");
      assertThat(rsa.get("fingerprint").isTextual()).as("64-bit values are decimal strings").isTrue();
      assertThat(rsa.get("fingerprint").asText()).matches("-?\\d+")
          .isEqualTo(Long.toString(RsaPublicKey.parsePem(pem).fingerprint()));
    }
    assertThat(json.get("cdn_rsa").get("fingerprint")).isNotEqualTo(json.get("rsa").get("fingerprint"));

    assertThat(json.get("api_id").asInt()).isEqualTo(DemoCluster.DEFAULT_API_ID);
    assertThat(json.get("api_hash").asText()).matches("[0-9a-f]{32}");
    assertThat(json.get("bot_token").asText()).matches("\\d+:[A-Za-z0-9_-]{30,}");
    assertThat(json.get("web_base_url").asText()).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(json.get("guest_access").asBoolean()).isTrue();

    JsonNode channels = json.get("channels");
    assertThat(channels).hasSize(1);
    JsonNode channel = channels.get(0);
    assertThat(fieldNames(channel)).containsExactlyInAnyOrder("username", "title", "id", "access_hash", "dc", "messages");
    assertThat(channel.get("username").asText()).isEqualTo("telefetch_demo");
    assertThat(channel.get("title").asText()).isEqualTo("Telefetch demo");
    assertThat(channel.get("id").isIntegralNumber()).isTrue();
    assertThat(channel.get("id").asLong()).isPositive();
    assertThat(channel.get("access_hash").isTextual()).isTrue();
    assertThat(Long.parseLong(channel.get("access_hash").asText())).isNotZero();
    assertThat(channel.get("dc").asInt()).isEqualTo(2);

    JsonNode messages = channel.get("messages");
    assertThat(messages).hasSize(FILES.size());
    int[] dcOf = {2, 1, 2};
    String[] mime = {"video/mp4", "text/plain", "application/octet-stream"};
    for (int i = 0; i < FILES.size(); i++) {
      FileSpec spec = FileSpec.parse(FILES.get(i));
      JsonNode m = messages.get(i);
      assertThat(fieldNames(m)).containsExactlyInAnyOrder("id", "file_name", "size", "sha256", "dc", "mime_type", "cdn",
          "url");
      assertThat(m.get("id").asInt()).isEqualTo(i + 1);
      assertThat(m.get("file_name").asText()).isEqualTo(spec.name());
      assertThat(m.get("size").asLong()).isEqualTo(spec.size());
      assertThat(m.get("sha256").asText()).isEqualTo(spec.content().sha256Hex());
      assertThat(m.get("dc").asInt()).isEqualTo(dcOf[i]);
      assertThat(m.get("mime_type").asText()).isEqualTo(mime[i]);
      assertThat(m.get("cdn").asBoolean()).isEqualTo(spec.cdn());
      assertThat(m.get("url").asText()).isEqualTo(json.get("web_base_url").asText() + "/telefetch_demo/" + (i + 1));
    }
  }

  /** A real client trusting only the JSON's RSA key: key exchange, help.getConfig, guest download, bot login. */
  private static void talkMtproto(JsonNode json) {
    JsonNode dc2 = null;
    for (JsonNode dc : json.get("dcs")) {
      if (dc.get("id").asInt() == 2 && !dc.get("media_only").asBoolean()) {
        dc2 = dc;
      }
    }
    RsaKeys keys = RsaKeys.empty().add(RsaPublicKey.parsePem(json.get("rsa").get("public_key_pem").asText()));
    JsonNode channel = json.get("channels").get(0);
    long channelId = channel.get("id").asLong();
    long accessHash = Long.parseLong(channel.get("access_hash").asText());
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    try {
      ConnectionOptions options = ConnectionOptions.builder(dc2.get("host").asText(), dc2.get("port").asInt())
          .dcId(2).rsaKeys(keys).eventLoopGroup(group).connectTimeout(Duration.ofSeconds(60))
          .callTimeout(Duration.ofSeconds(60)).build();
      try (MtprotoConnection c = MtprotoConnection.connect(options).join()) {
        InitConnection<io.telefetch.tl.api.ConfigType> init = InitConnection.<io.telefetch.tl.api.ConfigType>builder()
            .apiId(json.get("api_id").asInt()).deviceModel("test").systemVersion("1").appVersion("1")
            .systemLangCode("en").langPack("").langCode("en").query(new GetConfig()).build();
        Config config = (Config) c.invoke(new InvokeWithLayer<>(ApiSchema.LAYER, init)).join();
        assertThat(config.thisDc()).isEqualTo(2);
        Set<Integer> listed = config.dcOptions().stream().map(o -> ((DcOption) o).port()).collect(Collectors.toSet());
        Set<Integer> fromJson = new TreeSet<>();
        json.get("dcs").forEach(d -> fromJson.add(d.get("port").asInt()));
        assertThat(listed).isEqualTo(fromJson);

        // --guest-access: this key never logged in, yet reads the channel and downloads
        ChannelMessages history = (ChannelMessages) call(c, new GetMessages(new InputChannel(channelId, accessHash),
            List.of(new InputMessageID(1))));
        Document doc = (Document) ((MessageMediaDocument) ((Message) history.messages().get(0)).media()).document();
        assertThat(doc.size()).isEqualTo(1 << 20);
        File part = (File) call(c, new GetFile(false, false,
            new InputDocumentFileLocation(doc.id(), doc.accessHash(), doc.fileReference(), ""), 0, 4096));
        assertThat(part.bytes().toByteArray()).isEqualTo(FileSpec.parse(FILES.get(0)).content().read(0, 4096));
      }
      try (MtprotoConnection bot = MtprotoConnection.connect(options).join()) {
        call(bot, new ImportBotAuthorization(0, json.get("api_id").asInt(), json.get("api_hash").asText(),
            json.get("bot_token").asText()));
        ResolvedPeer peer = (ResolvedPeer) call(bot, new ResolveUsername("telefetch_demo", null));
        Channel resolved = (Channel) peer.chats().get(0);
        assertThat(resolved.id()).isEqualTo(channelId);
        assertThat(resolved.accessHash()).isEqualTo(accessHash);
        assertThat(resolved.title()).isEqualTo("Telefetch demo");
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static void fetchPages(JsonNode json) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode messages = json.get("channels").get(0).get("messages");
    String url = messages.get(0).get("url").asText();
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    org.jsoup.nodes.Document doc = Jsoup.parse(page.body(), url);
    doc.outputSettings(new OutputSettings().prettyPrint(false));
    assertThat(doc.selectFirst("meta[property=og:title]").attr("content")).isEqualTo("Telefetch demo");
    assertThat(doc.selectFirst("meta[property=og:description]").attr("content")).isEqualTo("clip.mp4");
    assertThat(doc.selectFirst("meta[property=og:video:type]").attr("content")).isEqualTo("video/mp4");
    String video = doc.selectFirst("meta[property=og:video]").attr("content");
    assertThat(video).startsWith(json.get("web_base_url").asText());

    // the web copy of a file has the JSON's hash
    String notes = Jsoup.parse(http.send(HttpRequest.newBuilder(URI.create(messages.get(1).get("url").asText())).build(),
        HttpResponse.BodyHandlers.ofString()).body()).selectFirst(".tgme_widget_message_document_title").text();
    assertThat(notes).isEqualTo("notes.txt");
    HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(video)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file.body())))
        .isEqualTo(messages.get(0).get("sha256").asText());
  }

  private static <R> R call(MtprotoConnection c, TlMethod<R> method) {
    return c.invoke(method).join();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void mtproxySecretIsListedAndOptionalFieldsAreOmitted() throws Exception {
    Path config = dir.resolve("proxy.json");
    String secret = "dd" + "0123456789abcdef0123456789abcdef";
    Process p = launch(config, "--dcs", "1", "--mtproxy-secret", secret, "--file", "paper.pdf:1000");
    try {
      awaitFile(p, config);
      LaunchConfig c = LaunchConfig.read(config);
      assertThat(c.dcs()).extracting(LaunchConfig.Dc::id).containsExactly(1);
      assertThat(c.mtproxySecret()).isEqualTo(secret);
      assertThat(c.mtproxy().secret()).isEqualTo(secret);
      assertThat(c.mtproxy().host()).isEqualTo("127.0.0.1");
      assertThat(c.mtproxy().port()).isPositive().isNotEqualTo(c.dcs().get(0).port());
      assertThat(c.cdnRsa()).isNull();
      assertThat(c.guestAccess()).isFalse();
      LaunchConfig.Message m = c.channels().get(0).messages().get(0);
      assertThat(m.fileName()).isEqualTo("paper.pdf");
      assertThat(m.mimeType()).isEqualTo("application/pdf");
      assertThat(m.dc()).as("the default DC with one DC").isEqualTo(1);
      String json = Files.readString(config, StandardCharsets.UTF_8);
      assertThat(json).contains("\"mtproxy_secret\"").doesNotContain("cdn_rsa");
    } finally {
      p.destroy();
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isZero();
  }
}
