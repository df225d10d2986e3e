package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.telefetch.examples.ffmpeg.FfmpegFixtures;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telefetch download --remux mp4|mkv} end to end: a Matroska file made at test time by the
 * bundled FFmpeg, posted in testkit's demo channel, downloaded and remuxed on the fly, the output
 * probed with the bundled ffprobe.
 */
class DownloadRemuxTest {
  private static DemoCluster demo;
  private static Path config;
  private static String clipLink;
  private static String brokenLink;
  private static byte[] broken;
  private static FfmpegFixtures.Probe source;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    Path mkv = FfmpegFixtures.makeMkv(tmp, "clip.mkv", 3);
    source = FfmpegFixtures.probe(mkv);
    broken = new byte[150_000];
    new Random(11).nextBytes(broken);
    demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000")).build().start();
    World world = demo.cluster().world();
    clipLink = post(world, "clip.mkv", Files.readAllBytes(mkv));
    brokenLink = post(world, "broken.mkv", broken);
    config = tmp.resolve("cluster.json");
    Files.writeString(config, demo.config().toJson());
  }

  private static String post(World world, String name, byte[] bytes) {
    WorldDocument doc = world.video(name, FileContent.of(bytes)).mimeType("video/x-matroska")
        .video(3, 320, 240, true).dc(2).create();
    WorldMessage m = world.post(demo.channel()).text(name).media(doc).create();
    return "https://t.me/" + DemoCluster.CHANNEL + "/" + m.id();
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  private record Run(int status, List<String> out, List<String> err) {}

  private static Run run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("download"));
    all.addAll(List.of(args));
    CliFixture.Run r = CliFixture.run(tmp.resolve("home"), "", all.toArray(String[]::new));
    return new Run(r.status(), r.outLines(), r.errLines());
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(Path::getFileName).sorted().toList();
    }
  }

  @Test
  void remuxesToMp4OnTheFlyWithTheStreamsCopiedAndTheSameDuration() throws Exception {
    Path dir = tmp.resolve("mp4");
    Run r = run("--testkit", config.toString(), "-o", dir.toString(), "--remux", "mp4", clipLink);
    assertThat(r.status()).as(String.join("\n", r.err())).isZero();
    Path written = dir.resolve("clip.mp4");
    assertThat(r.out()).containsExactly(sha256(written) + "  " + written);
    assertThat(list(dir)).containsExactly(Path.of("clip.mp4")); // no original, no .part
    FfmpegFixtures.Probe p = FfmpegFixtures.probe(written);
    assertThat(p.formatName()).startsWith("mov,mp4");
    assertThat(p.streams()).isEqualTo(source.streams()).containsExactly("video:mpeg4", "audio:aac");
    assertThat(p.duration()).isCloseTo(source.duration(), within(0.1));
  }

  @Test
  void remuxesToMkv() throws Exception {
    Path dir = tmp.resolve("mkv");
    Run r = run("--testkit", config.toString(), "-o", dir.toString(), "--remux", "MKV", clipLink);
    assertThat(r.status()).as(String.join("\n", r.err())).isZero();
    Path written = dir.resolve("clip.mkv");
    assertThat(r.out()).containsExactly(sha256(written) + "  " + written);
    FfmpegFixtures.Probe p = FfmpegFixtures.probe(written);
    assertThat(p.formatName()).startsWith("matroska");
    assertThat(p.streams()).isEqualTo(source.streams());
    assertThat(p.duration()).isCloseTo(source.duration(), within(0.1));
  }

  @Test
  void aCorruptInputIsOneLineNamingFfmpegAndThePartialOutputIsRemoved() throws Exception {
    Path dir = tmp.resolve("corrupt");
    Run r = run("--testkit", config.toString(), "-o", dir.toString(), "--remux", "mp4", brokenLink, clipLink);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).filteredOn(l -> l.startsWith("telefetch download: ")).hasSize(1);
    assertThat(r.err().get(0)).startsWith("telefetch download: " + brokenLink + ": FFmpeg failed to remux to mp4 (exit status ")
        .endsWith("(hint: run without --remux to download the original)")
        .doesNotContain("Exception");
    assertThat(r.out()).containsExactly(sha256(dir.resolve("clip.mp4")) + "  " + dir.resolve("clip.mp4"));
    assertThat(list(dir)).containsExactly(Path.of("clip.mp4"));

    // the original still downloads without --remux
    Path plain = tmp.resolve("plain");
    Run again = run("--testkit", config.toString(), "-o", plain.toString(), brokenLink);
    assertThat(again.status()).as(String.join("\n", again.err())).isZero();
    assertThat(Files.readAllBytes(plain.resolve("broken.mkv"))).isEqualTo(broken);
  }

  @Test
  void aMissingFfmpegIsOneClearLine() throws Exception {
    Path dir = tmp.resolve("missing");
    Path nowhere = tmp.resolve("no-ffmpeg-here");
    Run r = run("--testkit", config.toString(), "-o", dir.toString(), "--remux", "mp4", "--ffmpeg", nowhere.toString(),
        clipLink);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).containsExactly("telefetch download: FFmpeg not found: " + nowhere
        + " is not an executable file", "  hint: run without --remux to download the original");
    assertThat(list(dir)).isEmpty();
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    Run r = run("--testkit", config.toString(), "--remux", "avi", clipLink);
    assertThat(r.status()).isEqualTo(2);
    assertThat(String.join("\n", r.err())).contains("mp4 or mkv");
  }
}
