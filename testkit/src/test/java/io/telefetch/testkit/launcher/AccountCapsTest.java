package io.telefetch.testkit.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.KeyState;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.storage.FileUnknown;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The launcher's per-account cap ({@code --account-rate}) on a simulated clock: each user's answers
 * are held on its own schedule (bytes / rate after the previous one), other users and other calls
 * are not held, and the schedule does not run ahead when the user was idle.
 */
class AccountCapsTest {
  static final long RATE = 1_000_000; // bytes per second: 1000 bytes cost 1 ms
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final List<String> held = new ArrayList<>();

  AccountCaps caps() {
    return new AccountCaps((ctx, m) -> CompletableFuture.completedFuture(
        m instanceof GetFile g ? new File(new FileUnknown(), 0, TlBytes.wrap(new byte[g.limit()])) : Boolean.TRUE),
        RATE, now::get, nanos -> task -> {
          held.add(nanos / 1_000_000 + "ms");
          task.run();
        });
  }

  static CallContext user(long id) {
    KeyState key = new KeyState(AuthKey.of(new byte[256]));
    if (id != 0) {
      key.bindUser(id);
    }
    return new CallContext(null, key, 1, 1, 1, 227);
  }

  static TlMethod<?> part(int bytes) {
    return new GetFile(false, false, new InputDocumentFileLocation(1, 1, TlBytes.wrap(new byte[0]), ""), 0, bytes);
  }

  @Test
  void eachAccountHasItsOwnSchedule() {
    AccountCaps caps = caps();
    for (int i = 0; i < 3; i++) {
      assertThat(caps.handle(user(7), part(4000)).join()).isInstanceOf(File.class);
    }
    assertThat(held).containsExactly("4ms", "8ms", "12ms");
    held.clear();
    caps.handle(user(8), part(2000)).join(); // another account: its own budget
    caps.handle(user(0), part(2000)).join(); // a key bound to no user: not capped
    caps.handle(user(7), new GetConfig()).join(); // not a part
    assertThat(held).containsExactly("2ms");
  }

  @Test
  void anIdleAccountDoesNotSaveUpABurst() {
    AccountCaps caps = caps();
    caps.handle(user(7), part(4000)).join();
    now.addAndGet(1_000_000_000L); // a second later
    caps.handle(user(7), part(4000)).join();
    caps.handle(user(7), part(4000)).join();
    assertThat(held).containsExactly("4ms", "4ms", "8ms");
  }
}
