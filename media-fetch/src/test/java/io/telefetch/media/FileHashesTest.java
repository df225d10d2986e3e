package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The hash cache on a scripted server: requests ahead, once per answer, bounded, failures. */
class FileHashesTest {
  private static final int WINDOW = 128 << 10;
  private static final int PER_ANSWER = 8;
  private static final int PART = 128 << 10;

  /** Requests the test answers by hand, in any order. */
  private static final class Server implements FileHashes.Requester {
    record Call(long offset, CompletableFuture<List<FileHashType>> answer) {}

    final List<Call> calls = new ArrayList<>();
    final long size;

    Server(long size) {
      this.size = size;
    }

    @Override
    public synchronized CompletableFuture<List<FileHashType>> request(long offset) {
      Call c = new Call(offset, new CompletableFuture<>());
      calls.add(c);
      return c.answer();
    }

    synchronized List<Long> offsets() {
      return calls.stream().map(Call::offset).toList();
    }

    synchronized Call call(int i) {
      return calls.get(i);
    }

    /** Answers call {@code i} as testkit does: {@value #PER_ANSWER} windows from the one holding its offset. */
    void answer(int i) {
      Call c = call(i);
      List<FileHashType> out = new ArrayList<>();
      long start = c.offset() - c.offset() % WINDOW;
      for (int k = 0; k < PER_ANSWER && start < size; k++) {
        int limit = (int) Math.min(WINDOW, size - start);
        out.add(new FileHash(start, limit, TlBytes.wrap(new byte[32])));
        start += limit;
      }
      c.answer().complete(out);
    }

    void answerAll() {
      for (int i = 0; i < callCount(); i++) {
        if (!call(i).answer().isDone()) {
          answer(i);
        }
      }
    }

    synchronized int callCount() {
      return calls.size();
    }
  }

  @Test
  void hashesAreRequestedWhenPartsAreScheduledOncePerAnswer() throws Exception {
    long size = 4L << 20;
    Server server = new Server(size);
    FileHashes hashes = new FileHashes();
    hashes.scheduled(0, PART, size, server);
    hashes.scheduled(PART, PART, size, server);
    assertThat(server.offsets()).as("one probe until the stride is known").containsExactly(0L);
    CompletableFuture<List<FileHash>> second = hashes.covering(PART, 2 * PART, server);
    assertThat(second).as("a part is not released before its hashes came").isNotDone();
    server.answer(0);
    assertThat(second.get()).extracting(FileHash::offset).containsExactly((long) PART);
    assertThat(server.offsets()).as("the stride ahead, requested with the probe's answer").containsExactly(0L, 1L << 20);
    for (int p = 2; p < 32; p++) {
      hashes.scheduled((long) p * PART, PART, size, server);
    }
    assertThat(server.offsets()).containsExactly(0L, 1L << 20, 2L << 20, 3L << 20);
    server.answerAll();
    for (int p = 0; p < 32; p++) {
      assertThat(hashes.covering((long) p * PART, (long) (p + 1) * PART, server).get()).hasSize(1);
    }
    assertThat(server.callCount()).as("nothing asked on demand").isEqualTo(4);
  }

  @Test
  void windowsOfFetchedPartsAreForgotten() throws Exception {
    long size = 64L << 20;
    Server server = new Server(size);
    FileHashes hashes = new FileHashes();
    int window = 8;
    for (int p = 0; p < 512; p++) {
      hashes.scheduled((long) p * PART, PART, size, server);
      server.answerAll();
      if (p >= window) {
        long done = (long) (p - window) * PART;
        assertThat(hashes.covering(done, done + PART, server).get()).hasSize(1);
        hashes.done(done, PART);
      }
      // the parts in flight plus one answer ahead, never the whole file
      assertThat(hashes.windowCount()).isLessThanOrEqualTo(window + 1 + 2 * PER_ANSWER);
    }
    assertThat(server.callCount()).isEqualTo((int) (size / (PER_ANSWER * WINDOW)));
  }

  @Test
  void aFailedPrefetchIsAskedAgainOnDemandAndAFailedDemandFailsThePart() throws Exception {
    long size = 2L << 20;
    Server server = new Server(size);
    FileHashes hashes = new FileHashes();
    hashes.scheduled(0, PART, size, server);
    CompletableFuture<List<FileHash>> first = hashes.covering(0, PART, server);
    server.call(0).answer().completeExceptionally(RpcException.of(500, "INTERNAL"));
    assertThat(first).isNotDone();
    assertThat(server.offsets()).containsExactly(0L, 0L);
    server.call(1).answer().completeExceptionally(RpcException.of(400, "FILE_REFERENCE_EXPIRED"));
    assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RpcException.class).hasMessageContaining("FILE_REFERENCE_EXPIRED");
    CompletableFuture<List<FileHash>> again = hashes.covering(0, PART, server);
    server.answer(2);
    assertThat(again.get()).hasSize(1);
  }

  @Test
  void noHashForAByteFails() {
    Server server = new Server(1L << 20);
    FileHashes hashes = new FileHashes();
    hashes.scheduled(2L << 20, PART, -1, server); // past the end: the server answers nothing
    CompletableFuture<List<FileHash>> f = hashes.covering(2L << 20, (2L << 20) + PART, server);
    server.answerAll();
    server.answerAll();
    assertThatThrownBy(f::get).hasCauseInstanceOf(HashUnavailableException.class).hasMessageContaining("no file hash");
  }

  @Test
  void aResetDropsAnswersToEarlierRequests() throws Exception {
    long size = 2L << 20;
    Server server = new Server(size);
    FileHashes hashes = new FileHashes();
    hashes.scheduled(0, PART, size, server);
    hashes.reset();
    server.answer(0);
    assertThat(hashes.windowCount()).isZero();
    CompletableFuture<List<FileHash>> f = hashes.covering(0, PART, server);
    server.answerAll();
    assertThat(f.get()).hasSize(1);
  }

  @Test
  void aPartAskedAgainKeepsItsWindowsWhenItsAbandonedFetchCompletes() throws Exception {
    long size = 4L << 20;
    Server server = new Server(size);
    FileHashes hashes = new FileHashes();
    hashes.scheduled(0, PART, size, server);
    hashes.scheduled(PART, PART, size, server);
    server.answerAll();
    // the stall watchdog asks for part 1 again while its first fetch is still out
    hashes.scheduled(PART, PART, size, server);
    hashes.done(0, PART);
    hashes.done(PART, PART); // the abandoned first fetch of part 1 completes late
    int calls = server.callCount();
    List<FileHash> windows = hashes.covering(PART, 2L * PART, server).get();
    assertThat(windows).extracting(FileHash::offset).containsExactly((long) PART);
    assertThat(server.callCount()).as("no request: the windows were kept for the second fetch").isEqualTo(calls);
    hashes.done(PART, PART); // the second fetch completes: now its windows go
    assertThat(hashes.covering(PART, 2L * PART, server)).isNotDone(); // asked again on demand
  }
}
