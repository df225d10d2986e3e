package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar ({@code examples/target/telefetch.jar}, built by {@code package}) in a child JVM:
 * login, accounts, download --json, info and logout against a launcher cluster (run by failsafe
 * after the jar is built).
 */
class TelefetchJarIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CliFixture fx;

  @TempDir
  static Path tmp;

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

  private record Result(int status, String out, String err) {}

  private static Result telefetch(Path home, String stdin, String... args) throws Exception {
    Path jar = Path.of("target", "telefetch.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("TELEFETCH_HOME", home.toString());
    pb.environment().remove("TELEFETCH_API_ID");
    pb.environment().remove("TELEFETCH_API_HASH");
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("telefetch " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void everyAccountCommandRunsFromTheShadedJar(@TempDir Path home) throws Exception {
    String config = fx.config.toString();
    LaunchConfig.DemoUser user = fx.cfg.demoUser();
    Result login = telefetch(home, user.loginCode() + "\n", "login", "--testkit", config, "--phone", user.phone());
    assertThat(login.status()).as(login.toString()).isZero();
    Path session = home.resolve("accounts/default.session");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(session))).isEqualTo("rw-------");

    Result accounts = telefetch(home, "", "accounts");
    assertThat(accounts.out()).contains("default").contains(" user ");

    LaunchConfig.Link album = fx.cfg.link("album").orElseThrow();
    Path dir = tmp.resolve("jar-out");
    Result download = telefetch(home, "", "download", "--testkit", config, "--json", "-o", dir.toString(),
        album.link());
    assertThat(download.status()).as(download.toString()).isZero();
    int done = 0;
    for (String line : download.out().strip().split("\n")) {
      JsonNode e = JSON.readTree(line);
      if (e.get("event").asText().equals("done")) {
        done++;
        assertThat(e.get("sha256").asText()).isEqualTo(DownloadCommand.sha256(Path.of(e.get("path").asText())));
      }
    }
    assertThat(done).isEqualTo(album.media().size());

    Result info = telefetch(home, "", "info", "--testkit", config, album.link());
    assertThat(info.status()).as(info.toString()).isZero();
    assertThat(JSON.readTree(info.out()).get("media")).hasSize(album.media().size());

    Result bad = telefetch(home, "", "download", "--testkit", config, "-o", dir.toString(),
        "https://t.me/telefetch_links/99999");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("MESSAGE_NOT_FOUND").doesNotContain("\tat ");

    Result logout = telefetch(home, "", "logout", "--testkit", config);
    assertThat(logout.status()).as(logout.toString()).isZero();
    assertThat(session).doesNotExist();
  }
}
