package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.examples.cli.CliFixture.Run;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code telefetch download} against a launcher cluster (logged in as its bot, or as an account). */
class DownloadCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CliFixture fx;

  @TempDir
  static Path tmp;

  @TempDir
  Path home;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    fx = new CliFixture(tmp, FileSpec.parse("a.bin:1000"));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private Run download(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("download", "--testkit", fx.config.toString(), "-o", dir.toString()));
    all.addAll(List.of(args));
    return CliFixture.run(home, stdin, all.toArray(String[]::new));
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void aPostAndAnAlbumGiveEveryFileUnderItsOwnNameWithItsHash() throws Exception {
    LaunchConfig.Link post = fx.cfg.link("post").orElseThrow();
    LaunchConfig.Link album = fx.cfg.link("album").orElseThrow();
    Run r = download("", post.link(), album.link());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> expected = new ArrayList<>();
    for (LaunchConfig.Media m : concat(post.media(), album.media())) {
      Path file = dir.resolve(m.fileName());
      expected.add(m.sha256() + "  " + file);
      assertThat(sha256(file)).isEqualTo(m.sha256());
    }
    assertThat(album.media()).hasSizeGreaterThan(1);
    assertThat(r.outLines()).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static List<LaunchConfig.Media> concat(List<LaunchConfig.Media> a, List<LaunchConfig.Media> b) {
    List<LaunchConfig.Media> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void theNameTemplatePlacesFilesBySubdirectoryMessageAndDate() throws Exception {
    LaunchConfig.Link album = fx.cfg.link("album").orElseThrow();
    String[] parts = album.link().split("/");
    String channel = parts[3];
    int first = Integer.parseInt(parts[4]);
    Run r = download("", "-t", "{channel}/{date}/{msg}_{name}-{id}.{ext}", album.link());
    assertThat(r.status()).as(r.toString()).isZero();
    Path sub = dir.resolve(channel);
    try (var dates = Files.list(sub)) {
      List<Path> days = dates.toList();
      assertThat(days).hasSize(1);
      assertThat(days.get(0).getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}");
      try (var files = Files.list(days.get(0))) {
        List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
        assertThat(names).hasSize(album.media().size());
        assertThat(names.get(0)).startsWith(first + "_");
        for (String n : names) {
          assertThat(n).matches("\\d+_.+-\\d+\\.[a-z0-9]+");
        }
      }
    }
    assertThat(CliFixture.run(home, "", "download", "--testkit", fx.config.toString(), "-t", "{nope}", "x").status())
        .isEqualTo(2);
  }

  @Test
  void linksFromAFileAndFromStandardInput() throws Exception {
    LaunchConfig.Link post = fx.cfg.link("post").orElseThrow();
    LaunchConfig.Link single = fx.cfg.link("single").orElseThrow();
    Path list = tmp.resolve("links-" + System.nanoTime() + ".txt");
    Files.writeString(list, "# my links\n\n" + post.link() + "\n");
    Run r = download(single.link() + "\n", "-i", list.toString());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.outLines()).containsExactly(post.media().get(0).sha256() + "  " + dir.resolve(post.media().get(0)
        .fileName()));
    Run stdin = download("  " + single.link() + "  \n#x\n", "-i", "-");
    assertThat(stdin.status()).as(stdin.toString()).isZero();
    assertThat(stdin.outLines()).hasSize(single.media().size());
    assertThat(stdin.outLines().get(0)).startsWith(single.media().get(0).sha256());
  }

  @Test
  void skipExistingLeavesAFileOfTheRightSizeAlone() throws Exception {
    LaunchConfig.Link post = fx.cfg.link("post").orElseThrow();
    LaunchConfig.Media m = post.media().get(0);
    Path file = dir.resolve(m.fileName());
    byte[] marker = new byte[(int) m.size()];
    marker[0] = 42;
    Files.write(file, marker);
    Run r = download("", "--skip-existing", post.link());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.outLines()).isEmpty();
    assertThat(r.err()).contains("skipped " + file);
    assertThat(Files.readAllBytes(file)).isEqualTo(marker);

    Run again = download("", post.link()); // without the option the file is replaced by the real one
    assertThat(again.status()).isZero();
    assertThat(sha256(file)).isEqualTo(m.sha256());
  }

  @Test
  void jsonEventsForScripts() throws Exception {
    LaunchConfig.Link album = fx.cfg.link("album").orElseThrow();
    Run r = download("", "--json", "-l", "3", album.link(), "https://t.me/telefetch_links/99999");
    assertThat(r.status()).isEqualTo(1);
    List<JsonNode> events = new ArrayList<>();
    for (String line : r.outLines()) {
      events.add(JSON.readTree(line));
    }
    List<JsonNode> done = events.stream().filter(e -> e.get("event").asText().equals("done")).toList();
    assertThat(done).hasSize(album.media().size());
    for (JsonNode d : done) {
      Path p = Path.of(d.get("path").asText());
      assertThat(d.get("sha256").asText()).isEqualTo(sha256(p));
      assertThat(d.get("size").asLong()).isEqualTo(Files.size(p));
      assertThat(d.get("link").asText()).isEqualTo(album.link());
    }
    assertThat(events.stream().filter(e -> e.get("event").asText().equals("start")).count())
        .isEqualTo(album.media().size());
    JsonNode failed = events.stream().filter(e -> e.get("event").asText().equals("failed")).findFirst().orElseThrow();
    assertThat(failed.get("error").asText()).contains("MESSAGE_NOT_FOUND");
    assertThat(failed.get("hint").asText()).isNotBlank();
    JsonNode summary = events.get(events.size() - 1);
    assertThat(summary.get("event").asText()).isEqualTo("summary");
    assertThat(summary.get("files").asInt()).isEqualTo(album.media().size());
    assertThat(summary.get("failed").asInt()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aFailedLinkIsOneLineAndStatusOneWhileTheOthersStillDownload() throws Exception {
    LaunchConfig.Link post = fx.cfg.link("post").orElseThrow();
    Run r = download("", "https://t.me/telefetch_links/99999", "https://evil.example/x", post.link(),
        fx.cfg.link("story").orElseThrow().link());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.outLines()).containsExactly(post.media().get(0).sha256() + "  " + dir.resolve("notes.pdf"));
    assertThat(r.errLines()).hasSize(3);
    assertThat(r.errLines().get(0)).startsWith("telefetch download: https://t.me/telefetch_links/99999: ")
        .contains("MESSAGE_NOT_FOUND").contains("hint: ");
    assertThat(r.errLines().get(1)).contains("not a Telegram link");
    assertThat(r.errLines().get(2)).contains("USER_ACCOUNT_REQUIRED").contains("telefetch login --phone");
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aLoggedInUserAccountDownloadsWhatOnlyUsersMay() throws Exception {
    LaunchConfig.DemoUser user = fx.cfg.demoUser();
    assertThat(CliFixture.run(home, user.loginCode() + "\n", "login", "--testkit", fx.config.toString(), "--phone",
        user.phone()).status()).isZero();
    LaunchConfig.Link story = fx.cfg.link("story").orElseThrow();
    Run r = download("", story.link());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.outLines()).hasSize(story.media().size());
    assertThat(r.outLines().get(0)).startsWith(story.media().get(0).sha256());
  }

  @Test
  void usageErrors() {
    Run none = CliFixture.run(home, "", "download", "--testkit", fx.config.toString());
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.errLines().get(0)).isEqualTo("telefetch download: no link to download");
    Run missing = CliFixture.run(home, "", "download", "--testkit", tmp.resolve("missing.json").toString(), "x");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.errLines()).hasSize(2);
    assertThat(missing.errLines().get(0)).contains("cannot read the testkit config");
  }
}
