package io.telefetch.examples.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.LinkResolver;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RemuxDownload} against a rate-limited testkit: a cancel mid-stream kills FFmpeg and removes the partial output. */
class RemuxDownloadTest {
  @TempDir
  Path tmp;

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  private static Optional<ProcessHandle> ffmpegChild() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false))
        .filter(ProcessHandle::isAlive).findFirst();
  }

  @Test
  void cancellingMidStreamKillsFfmpegAndRemovesThePartialOutput() throws Exception {
    Path mkv = FfmpegFixtures.makeMkv(tmp, "long.mkv", 40);
    assertThat(Files.size(mkv)).isGreaterThan(8 * 128 * 1024); // many parts: the cancel comes mid-stream
    assertThat(ffmpegChild()).isEmpty();
    try (DemoCluster demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000"))
        .rateBytesPerSecond(100_000).build().start()) {
      World world = demo.cluster().world();
      WorldDocument doc = world.video("long.mkv", FileContent.of(Files.readAllBytes(mkv)))
          .mimeType("video/x-matroska").video(40, 320, 240, true).dc(2).create();
      WorldMessage post = world.post(demo.channel()).text("long").media(doc).create();
      LaunchConfig cfg = demo.config();
      try (TelegramClient client = cfg.clientOptions().callTimeout(Duration.ofSeconds(60)).build()) {
        client.login(Login.botToken(cfg.botToken())).get(60, TimeUnit.SECONDS);
        List<MediaFile> media = LinkResolver.create(client)
            .resolve("https://t.me/" + DemoCluster.CHANNEL + "/" + post.id()).get(60, TimeUnit.SECONDS).media();
        assertThat(media).hasSize(1);
        Path dir = Files.createDirectories(tmp.resolve("out"));
        RemuxDownload download = new RemuxDownload(MediaFetcher.create(client,
            FetchOptions.builder().partSize(128 * 1024).window(1, 1).build()), FfmpegFixtures.ffmpeg(), RemuxFormat.MP4);
        Path part = dir.resolve("long.mp4.part");
        CompletableFuture<Path> f = download.start(media.get(0), dir);
        waitUntil(() -> {
          try {
            return Files.exists(part) && Files.size(part) > 0;
          } catch (java.io.IOException e) {
            return false;
          }
        }, "FFmpeg's first output on disk while the download runs");
        ProcessHandle ffmpeg = ffmpegChild().orElseThrow();
        assertThat(f).isNotDone();
        f.cancel(true);
        ffmpeg.onExit().get(30, TimeUnit.SECONDS);
        assertThat(ffmpeg.isAlive()).as("no orphan ffmpeg").isFalse();
        waitUntil(() -> !Files.exists(part), "the partial output removed");
        assertThat(ffmpegChild()).isEmpty();
        assertThat(dir.resolve("long.mp4")).doesNotExist();
      }
    }
  }
}
