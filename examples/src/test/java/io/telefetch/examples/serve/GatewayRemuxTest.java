package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.telefetch.examples.ffmpeg.FfmpegFixtures;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/media?...&remux=mp4|mkv} through the real FFmpeg transform: a Matroska clip made at
 * test time by the bundled FFmpeg, posted in testkit, streamed as fragmented MP4 and probed with the
 * bundled ffprobe; a corrupt input ends the chunked stream without its last chunk, so a client never
 * takes a truncated output for a complete one.
 */
class GatewayRemuxTest {
  @TempDir
  static Path tmp;
  private static DemoCluster demo;
  private static TelegramClient client;
  private static Gateway gateway;
  private static OkHttpClient http;
  private static String clip;
  private static String broken;
  private static FfmpegFixtures.Probe source;

  @BeforeAll
  static void start() throws Exception {
    Path mkv = FfmpegFixtures.makeMkv(tmp, "clip.mkv", 3);
    source = FfmpegFixtures.probe(mkv);
    demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000")).build().start();
    World world = demo.cluster().world();
    clip = post(world, "clip.mkv", Files.readAllBytes(mkv));
    byte[] junk = new byte[150_000];
    new Random(5).nextBytes(junk);
    broken = post(world, "broken.mkv", junk);
    LaunchConfig cfg = demo.config();
    client = cfg.clientOptions().callTimeout(Duration.ofSeconds(60)).build();
    client.login(Login.botToken(cfg.botToken())).get(60, TimeUnit.SECONDS);
    gateway = Gateway.start(client, ServeOptions.builder().port(0)
        .transform(new FfmpegTransform(FfmpegFixtures.ffmpeg())).build(), new GatewayMetrics());
    http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).retryOnConnectionFailure(false).build();
  }

  private static String post(World world, String name, byte[] bytes) {
    WorldDocument doc = world.video(name, FileContent.of(bytes)).mimeType("video/x-matroska")
        .video(3, 320, 240, true).dc(2).create();
    WorldMessage m = world.post(demo.channel()).text(name).media(doc).create();
    return "https://t.me/" + DemoCluster.CHANNEL + "/" + m.id();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (http != null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    if (client != null) {
      client.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  private static String media(String link, String remux) {
    return "http://127.0.0.1:" + gateway.port() + "/v1/media?link=" + URLEncoder.encode(link, StandardCharsets.UTF_8)
        + "&remux=" + remux;
  }

  @Test
  void aMatroskaPostIsStreamedAsMp4WithItsStreamsCopied() throws Exception {
    for (String format : new String[] {"mp4", "mkv"}) {
      Path out = tmp.resolve("out." + format);
      try (Response r = http.newCall(new Request.Builder().url(media(clip, format)).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo(format.equals("mp4") ? "video/mp4" : "video/x-matroska");
        try (InputStream in = r.body().byteStream()) {
          Files.copy(in, out);
        }
      }
      FfmpegFixtures.Probe p = FfmpegFixtures.probe(out);
      assertThat(p.formatName()).startsWith(format.equals("mp4") ? "mov,mp4" : "matroska");
      assertThat(p.streams()).isEqualTo(source.streams());
      assertThat(p.duration()).isCloseTo(source.duration(), within(0.1));
    }
  }

  @Test
  void aCorruptInputNeverLooksComplete() throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(media(broken, "mp4")).build()).execute()) {
      assertThat(r.code()).isEqualTo(200); // the headers left before FFmpeg read a byte
      boolean complete;
      try (InputStream in = r.body().byteStream()) {
        in.readAllBytes();
        complete = true;
      } catch (java.io.IOException expected) {
        complete = false; // the connection closed without the terminating chunk
      }
      assertThat(complete).as("a failed remux must not end with the last chunk").isFalse();
    }
  }
}
