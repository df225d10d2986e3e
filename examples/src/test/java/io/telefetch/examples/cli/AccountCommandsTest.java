package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import io.telefetch.examples.cli.CliFixture.Run;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.WorldUser;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code telefetch login}, {@code accounts}, {@code logout}, {@code info} and the error lines, against a launcher cluster. */
class AccountCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger PHONES = new AtomicInteger(100);
  private static CliFixture fx;

  @TempDir
  static Path tmp;

  @TempDir
  Path home;

  @BeforeAll
  static void start() throws Exception {
    fx = new CliFixture(tmp);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private String config() {
    return fx.config.toString();
  }

  private static WorldUser user(String password) {
    String phone = "+1777000" + PHONES.incrementAndGet();
    var b = fx.demo.cluster().world().user("Alice").phone(phone).loginCode("13579").dc(2);
    if (password != null) {
      b.password(password);
    }
    return b.create();
  }

  private static void noStackTrace(Run r) {
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  private Path session(String account) {
    return home.resolve("accounts").resolve(account + ".session");
  }

  @Test
  void loginWithABotTokenSavesASessionOfMode600AndAccountsListsIt() throws Exception {
    Run r = CliFixture.run(home, "", "login", "--testkit", config(), "--account", "bot", "--bot-token",
        fx.cfg.botToken());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("Logged in as ").contains("bot ").contains("account 'bot'");
    assertThat(r.out()).doesNotContain(fx.cfg.botToken());
    Path file = session("bot");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");

    Run list = CliFixture.run(home, "", "accounts");
    assertThat(list.status()).isZero();
    assertThat(list.outLines()).hasSize(2);
    assertThat(list.outLines().get(1)).startsWith("bot ").contains(" bot ").contains("***").endsWith(file.toString());
  }

  @Test
  void loginWithPhoneCodeAndTwoStepPasswordReadFromStandardInput() throws Exception {
    WorldUser alice = user("correct horse");
    Run r = CliFixture.run(home, "13579\ncorrect horse\n", "login", "--testkit", config(), "--phone",
        alice.phone().orElseThrow());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.err()).contains("Login code").contains("Two-step verification password");
    assertThat(r.out()).contains("Alice").contains("user ").contains("account 'default'");
    Run list = CliFixture.run(home, "", "accounts");
    assertThat(list.outLines().get(1)).startsWith("default ").contains(" user ").contains(" 2 ");
    String masked = Long.toString(alice.id());
    assertThat(list.out()).doesNotContain(masked);
  }

  @Test
  void qrLoginDrawsTheTokenAndCompletesWhenAnAppAcceptsIt() throws Exception {
    WorldUser bob = user(null);
    PipedOutputStream sink = new PipedOutputStream();
    PipedInputStream source = new PipedInputStream(sink, 1 << 16);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Run> login = CompletableFuture.supplyAsync(() -> {
      try (sink) {
        return CliFixture.run(home, new java.io.ByteArrayInputStream(new byte[0]),
            new TeeOutputStream(sink), err, "login", "--testkit", config(), "--qr", "--qr-poll", "1");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    StringBuilder drawing = new StringBuilder();
    String url = null;
    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(source, StandardCharsets.UTF_8));
    for (String line; url == null && (line = reader.readLine()) != null; ) {
      if (line.startsWith("tg://login?token=")) {
        url = line;
      } else if (!line.startsWith("Scan")) {
        drawing.append(line).append('\n');
      }
    }
    assertThat(url).as(err.toString(StandardCharsets.UTF_8)).isNotNull();
    assertThat(decodeQr(drawing.toString())).isEqualTo(url);
    byte[] token = Base64.getUrlDecoder().decode(url.substring("tg://login?token=".length()));
    fx.demo.cluster().world().acceptLoginToken(token, bob);
    drain(source);
    Run r = login.get(60, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.toString() + err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(Files.exists(session("default"))).isTrue();
    Run list = CliFixture.run(home, "", "accounts");
    assertThat(list.outLines().get(1)).contains(" user ");
  }

  private static void drain(PipedInputStream in) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (java.io.IOException e) {
        // closed
      }
    });
    t.setDaemon(true);
    t.start();
  }

  /** Reads the half-block drawing back into modules (a drawn character is light) and decodes it with zxing. */
  static String decodeQr(String drawing) throws Exception {
    List<String> lines = drawing.lines().filter(l -> !l.isEmpty()).toList();
    int width = lines.get(0).length();
    int height = lines.size() * 2;
    BitMatrix bits = new BitMatrix(width - 2 * QrText.QUIET, width - 2 * QrText.QUIET);
    for (int row = 0; row < lines.size(); row++) {
      String l = lines.get(row);
      for (int x = 0; x < width; x++) {
        char c = l.charAt(x);
        boolean topLight = c == '█' || c == '▀';
        boolean bottomLight = c == '█' || c == '▄';
        set(bits, x - QrText.QUIET, 2 * row - QrText.QUIET, !topLight);
        set(bits, x - QrText.QUIET, 2 * row + 1 - QrText.QUIET, !bottomLight);
      }
    }
    assertThat(height).isGreaterThanOrEqualTo(width - 1);
    return new Decoder().decode(bits).getText();
  }

  private static void set(BitMatrix bits, int x, int y, boolean dark) {
    if (dark && x >= 0 && y >= 0 && x < bits.getWidth() && y < bits.getHeight()) {
      bits.set(x, y);
    }
  }

  @Test
  void logoutEndsTheAuthorizationOnTheServerAndDeletesTheSession() throws Exception {
    WorldUser carol = user(null);
    assertThat(CliFixture.run(home, "13579\n", "login", "--testkit", config(), "--account", "carol", "--phone",
        carol.phone().orElseThrow()).status()).isZero();
    Path copy = tmp.resolve("carol-copy-" + System.nanoTime() + ".session");
    Files.copy(session("carol"), copy);

    Run r = CliFixture.run(home, "", "logout", "--testkit", config(), "--account", "carol");
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(Files.exists(session("carol"))).isFalse();
    try (TelegramClient old = fx.cfg.clientOptions().sessionStore(SessionStore.file(copy)).build()) {
      assertThat(old.isLoggedIn()).isTrue(); // the copy still says so, but the server forgot the key's login
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> old.self().get(30, TimeUnit.SECONDS));
      assertThat(CliErrors.describe(e).message()).contains("no longer logged in");
    }
    Run again = CliFixture.run(home, "", "logout", "--account", "carol");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.errLines()).hasSize(2);
    assertThat(again.errLines().get(0)).isEqualTo("telefetch logout: account 'carol' is not logged in");
  }

  @Test
  void infoWithAnAccountDescribesPeerMessageMediaAndPreview() throws Exception {
    LaunchConfig.DemoUser demoUser = fx.cfg.demoUser();
    assertThat(CliFixture.run(home, demoUser.loginCode() + "\n", "login", "--testkit", config(), "--phone",
        demoUser.phone()).status()).isZero();
    LaunchConfig.Link album = fx.cfg.link("album").orElseThrow();
    Run r = CliFixture.run(home, "", "info", "--testkit", config(), album.link());
    assertThat(r.status()).as(r.toString()).isZero();
    JsonNode info = JSON.readTree(r.out());
    assertThat(info.get("kind").asText()).isEqualTo("post");
    assertThat(info.get("account").asText()).isEqualTo("default");
    assertThat(info.get("peer").get("username").asText()).isEqualTo(album.link().split("/")[3]);
    assertThat(info.get("message").get("id").asInt()).isEqualTo(Integer.parseInt(album.link().split("/")[4]));
    assertThat(info.get("message").get("date").asText()).endsWith("Z");
    JsonNode media = info.get("media");
    assertThat(media).hasSize(album.media().size());
    for (int i = 0; i < media.size(); i++) {
      LaunchConfig.Media m = album.media().get(i);
      assertThat(media.get(i).get("name").asText()).isEqualTo(m.fileName());
      assertThat(media.get(i).get("size").asLong()).isEqualTo(m.size());
      assertThat(media.get(i).get("mime_type").asText()).isEqualTo(m.mimeType());
      assertThat(media.get(i).get("dc").asInt()).isEqualTo(m.dc());
    }
    JsonNode video = null;
    for (JsonNode m : media) {
      if (m.get("name").asText().equals("album.mp4")) {
        video = m;
      }
    }
    assertThat(video).isNotNull();
    assertThat(video.get("duration").asDouble()).isEqualTo(7.0);
    assertThat(video.has("width")).isTrue();
    assertThat(info.get("preview").get("title").asText()).isNotBlank();
    assertThat(info.get("preview").get("album_size").asInt()).isEqualTo(album.media().size());
  }

  @Test
  void infoWithoutAnAccountIsThePreviewAlone() throws Exception {
    LaunchConfig.Link post = fx.cfg.link("post").orElseThrow();
    Run r = CliFixture.run(home, "", "info", "--testkit", config(), "--no-account", post.link());
    assertThat(r.status()).as(r.toString()).isZero();
    JsonNode info = JSON.readTree(r.out());
    assertThat(info.get("kind").asText()).isEqualTo("post");
    assertThat(info.has("peer")).isFalse();
    assertThat(info.has("media")).isFalse();
    assertThat(info.get("preview").get("url").asText()).startsWith(fx.cfg.webBaseUrl());
    assertThat(info.get("preview").get("has_media").asBoolean()).isTrue();
  }

  // ------------------------------------------------------------------ error lines

  private Run loginError(String stdin, String... args) {
    Run r = CliFixture.run(home, stdin, args);
    assertThat(r.status()).as(r.toString()).isNotZero();
    List<String> errs = r.errLines().stream().filter(l -> l.startsWith("telefetch ") || l.startsWith("  hint: "))
        .toList();
    assertThat(errs).as(r.toString()).hasSize(2);
    assertThat(errs.get(1)).startsWith("  hint: ");
    noStackTrace(r);
    return r;
  }

  @Test
  void aWrongCodeThreeTimesIsOneLineAndLeavesNoSession() {
    WorldUser dave = user(null);
    Run r = loginError("11111\n22222\n33333\n", "login", "--testkit", config(), "--phone", dave.phone().orElseThrow());
    assertThat(r.err()).contains("telefetch login: the login code is wrong (PHONE_CODE_INVALID)");
    assertThat(Files.exists(session("default"))).isFalse();
  }

  @Test
  void anExpiredCode() {
    WorldUser erin = user(null);
    for (DcServer dc : fx.demo.cluster().dcs()) {
      dc.faults().rpcError("auth.signIn", 400, "PHONE_CODE_EXPIRED", 1);
    }
    try {
      Run r = loginError("13579\n", "login", "--testkit", config(), "--phone", erin.phone().orElseThrow());
      assertThat(r.err()).contains("the login code expired").contains("get a new code");
    } finally {
      fx.demo.cluster().dcs().forEach(dc -> dc.faults().clearRpcErrors());
    }
  }

  @Test
  void aTwoStepPasswordIsNeededAndNoneIsGiven() {
    WorldUser frank = user("secret");
    Run r = loginError("13579\n", "login", "--testkit", config(), "--phone", frank.phone().orElseThrow());
    assertThat(r.err()).contains("two-step verification").contains("password is needed");
  }

  @Test
  void aWrongTwoStepPassword() {
    WorldUser gina = user("secret");
    Run r = loginError("13579\nx\ny\nz\n", "login", "--testkit", config(), "--phone", gina.phone().orElseThrow());
    assertThat(r.err()).contains("password is wrong (PASSWORD_HASH_INVALID)");
  }

  @Test
  void anInvalidApiId() {
    Run r = loginError("", "login", "--testkit", config(), "--api-id", "12", "--api-hash", "nope", "--bot-token",
        fx.cfg.botToken());
    assertThat(r.err()).contains("rejects the api_id/api_hash (API_ID_INVALID)").contains("my.telegram.org");
  }

  @Test
  void noApiCredentialsAtAll() {
    Run r = loginError("", "login", "--phone", "+15550100");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("no api_id/api_hash").contains("TELEFETCH_API_ID");
  }

  @Test
  void noNetwork() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    LaunchConfig c = fx.cfg;
    LaunchConfig dead = new LaunchConfig(List.of(new LaunchConfig.Dc(1, "127.0.0.1", closed, false, false)), c.rsa(),
        null, c.apiId(), c.apiHash(), c.botToken(), c.webBaseUrl(), null, null, false, c.channels());
    Path file = tmp.resolve("dead.json");
    Files.writeString(file, dead.toJson());
    long t0 = System.nanoTime();
    Run r = loginError("", "login", "--testkit", file.toString(), "--bot-token", c.botToken());
    assertThat(r.err()).contains("cannot reach Telegram").contains("network");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(120));
  }

  @Test
  void aCorruptSessionFile() throws Exception {
    Files.createDirectories(home.resolve("accounts"));
    Files.write(session("broken"), "not a session at all, just text".getBytes(StandardCharsets.UTF_8));
    Run r = loginError("", "download", "--testkit", config(), "--account", "broken", fx.link("post"));
    assertThat(r.err()).contains("the session file cannot be used").contains("delete the file");
    Run list = CliFixture.run(home, "", "accounts");
    assertThat(list.outLines().get(1)).startsWith("broken ").doesNotContain(" user ").doesNotContain(" bot ");
  }

  @Test
  void notLoggedIn() {
    Run r = loginError("", "download", "--account", "work", "https://t.me/durov/1");
    assertThat(r.errLines().get(0)).isEqualTo("telefetch download: account 'work' is not logged in");
    assertThat(r.errLines().get(1)).isEqualTo("  hint: run: telefetch login --account work (with --phone, "
        + "--bot-token or --qr)");
  }

  @Test
  void debugPrintsTheStackTrace() {
    Run r = CliFixture.run(home, "", "download", "--debug", "--account", "work", "https://t.me/durov/1");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("CliException").contains("\tat ");
  }

  @Test
  void anInvalidAccountName() {
    Run r = loginError("", "login", "--account", "../etc", "--bot-token", "x");
    assertThat(r.status()).isEqualTo(2);
  }
}
