package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code telefetch serve} as a command: the bind rule and a run against a launcher config. */
class ServeCommandTest {
  @TempDir
  Path tmp;

  @Test
  void aPublicBindWithoutATokenIsAUsageError() {
    ServeCommand command = new ServeCommand();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    int status = new CommandLine(command).execute("--bind", "0.0.0.0", "--testkit");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("telefetch serve: refusing to listen on 0.0.0.0 "
        + "without --token").doesNotContain("\tat ");
  }

  @Test
  void anAccountThatIsNotLoggedInIsOneLineWithAHint() {
    ServeCommand command = new ServeCommand();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    int status = new CommandLine(command).execute("--port", "0", "--account", "nobody-" + System.nanoTime(),
        "--api-id", "4242", "--api-hash", "0123456789abcdef0123456789abcdef");
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(status).as(text).isEqualTo(1);
    assertThat(text.lines().toList()).hasSize(2);
    assertThat(text).startsWith("telefetch serve: ").contains("not logged in").contains("hint: ")
        .contains("telefetch login").doesNotContain("\tat ");
  }

  @Test
  void servesALauncherClusterUntilStopped() throws Exception {
    try (DemoCluster demo = DemoCluster.builder().dcs(1).file(FileSpec.parse("x.bin:5000")).build().start()) {
      Path config = tmp.resolve("cluster.json");
      Files.writeString(config, demo.config().toJson());
      ServeCommand command = new ServeCommand();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
      CompletableFuture<Integer> run = CompletableFuture.supplyAsync(
          () -> new CommandLine(command).execute("--port", "0", "--testkit", config.toString()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (command.gateway == null) {
        assertThat(run).as("still running").isNotDone();
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      String link = "https://t.me/" + DemoCluster.CHANNEL + "/" + demo.posts().get(0).id();
      OkHttpClient http = new OkHttpClient();
      try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + command.gateway.port()
          + "/v1/media?link=" + URLEncoder.encode(link, StandardCharsets.UTF_8)).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().bytes()).isEqualTo(FileSpec.parse("x.bin:5000").content().read(0, 5000));
      }
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      command.stop.countDown();
      assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("listening on http://127.0.0.1:");
    }
  }
}
