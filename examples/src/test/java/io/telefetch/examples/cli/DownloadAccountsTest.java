package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.examples.cli.CliFixture.Run;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telefetch download --accounts a,b}: one file's parts spread over two accounts (two sessions,
 * two auth keys) of a launcher cluster through the account pool, byte-exact.
 */
class DownloadAccountsTest {
  @TempDir
  static Path tmp;
  private static CliFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new CliFixture(tmp, FileSpec.parse("big.bin:" + (8L << 20)));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void theFilesPartsAreSpreadOverBothAccounts() throws Exception {
    LaunchConfig.Channel channel = fx.cfg.channels().get(0);
    LaunchConfig.Message big = channel.messages().stream().filter(m -> m.fileName().equals("big.bin")).findFirst()
        .orElseThrow();
    Path dir = tmp.resolve("out");
    Run r = CliFixture.run(tmp.resolve("home"), "", "download", "--testkit", fx.config.toString(), "-o", dir.toString(),
        "--accounts", "a,b", "https://t.me/" + channel.username() + "/" + big.id());
    assertThat(r.status()).as(r.toString()).isZero();
    Path file = dir.resolve("big.bin");
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
        .isEqualTo(big.sha256());
    Matcher m = Pattern.compile("parts per account: a=(\\d+) b=(\\d+)").matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    long a = Long.parseLong(m.group(1));
    long b = Long.parseLong(m.group(2));
    assertThat(a).as("account a's parts").isPositive();
    assertThat(b).as("account b's parts (a free account has 2 in flight, the window starts at 4)").isPositive();
    assertThat(a + b).isGreaterThanOrEqualTo(8);
  }

  @Test
  void anEmbeddedClusterPerAccountIsAUsageError() {
    Run r = CliFixture.run(tmp.resolve("home2"), "", "download", "--testkit", "--accounts", "a,b",
        "https://t.me/telefetch_demo/1");
    assertThat(r.status()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("--accounts needs accounts of one Telegram");
  }
}
