package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config directory's lookup, account names and where api credentials come from. */
class TelefetchHomeTest {
  @TempDir
  Path tmp;

  @Test
  void theDirectoryComesFromTelefetchHomeThenXdgThenHome() {
    assertThat(TelefetchHome.of(Map.of("TELEFETCH_HOME", "/a/b", "XDG_CONFIG_HOME", "/x", "HOME", "/h")).dir())
        .isEqualTo(Path.of("/a/b"));
    assertThat(TelefetchHome.of(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")).dir())
        .isEqualTo(Path.of("/x/telefetch"));
    assertThat(TelefetchHome.of(Map.of("HOME", "/h")).dir()).isEqualTo(Path.of("/h/.config/telefetch"));
    assertThat(TelefetchHome.of(Map.of("TELEFETCH_HOME", " ", "HOME", "/h")).dir())
        .isEqualTo(Path.of("/h/.config/telefetch"));
  }

  @Test
  void accountNamesCannotLeaveTheDirectory() {
    TelefetchHome home = TelefetchHome.at(tmp);
    assertThat(home.sessionFile("work")).isEqualTo(tmp.resolve("accounts/work.session"));
    for (String bad : List.of("../x", ".hidden", "a/b", "", "x".repeat(65), "a b")) {
      CliException e = assertThrows(CliException.class, () -> home.sessionFile(bad));
      assertThat(e.status()).isEqualTo(CliException.USAGE);
    }
  }

  private CliIo io(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("TELEFETCH_HOME", tmp.toString());
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());
    return CliIo.of(new ByteArrayInputStream(new byte[0]), sink, sink, all);
  }

  @Test
  void credentialsFromOptionsThenEnvironmentThenConfigFile() throws Exception {
    AccountOptions o = new AccountOptions();
    CliException none = assertThrows(CliException.class, () -> o.credentials(io(Map.of()), null));
    assertThat(none.hint()).contains(tmp.resolve("config.properties").toString());

    Files.writeString(tmp.resolve("config.properties"), "api_id = 111\napi_hash = fromfile\n");
    assertThat(o.credentials(io(Map.of()), null)).isEqualTo(new ApiCredentials(111, "fromfile"));
    assertThat(o.credentials(io(Map.of("TELEFETCH_API_ID", "222", "TELEFETCH_API_HASH", "fromenv")), null))
        .isEqualTo(new ApiCredentials(222, "fromenv"));
    o.apiId = 333;
    o.apiHash = "fromoption";
    assertThat(o.credentials(io(Map.of("TELEFETCH_API_ID", "222", "TELEFETCH_API_HASH", "fromenv")), null))
        .isEqualTo(new ApiCredentials(333, "fromoption"));
    assertThat(o.credentials(io(Map.of()), null).toString()).doesNotContain("fromoption");

    AccountOptions bad = new AccountOptions();
    CliException nan = assertThrows(CliException.class,
        () -> bad.credentials(io(Map.of("TELEFETCH_API_ID", "12ab", "TELEFETCH_API_HASH", "h")), null));
    assertThat(nan.status()).isEqualTo(CliException.USAGE);
    assertThat(nan.getMessage()).contains("not a number");
  }

  @Test
  void aTestkitClusterUsesItsOwnCredentialsOverTheEnvironment() {
    LaunchConfig cfg = new LaunchConfig(List.of(new LaunchConfig.Dc(1, "127.0.0.1", 1, false, false)),
        new LaunchConfig.Rsa("pem", "1"), null, 31337, "testkithash", "1:tok", "http://127.0.0.1:1", null, null,
        false, List.of());
    AccountOptions o = new AccountOptions();
    assertThat(o.credentials(io(Map.of("TELEFETCH_API_ID", "222", "TELEFETCH_API_HASH", "fromenv")), cfg))
        .isEqualTo(new ApiCredentials(31337, "testkithash"));
  }
}
