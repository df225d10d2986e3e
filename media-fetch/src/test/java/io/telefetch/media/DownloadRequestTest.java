package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.client.DcClient;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.InputDocumentFileLocation;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** DownloadRequest is an immutable value: range() and withProgress() return new requests. */
class DownloadRequestTest {
  /** Nothing is sent in these tests: every call fails. */
  private static final DcClient NO_NETWORK = new DcClient() {
    @Override
    public int dcId() {
      return 2;
    }

    @Override
    public <R> CompletableFuture<R> invoke(TlMethod<R> method) {
      return CompletableFuture.failedFuture(new AssertionError("no call expected"));
    }

    @Override
    public <R> CompletableFuture<R> invokeMain(TlMethod<R> method) {
      return invoke(method);
    }

    @Override
    public DcClient dc(int dcId) {
      return this;
    }

    @Override
    public DcClient cdn(int dcId) {
      return this;
    }
  };

  private static final MediaFile FILE = new MediaFile(
      new InputDocumentFileLocation(5001, 1, TlBytes.wrap(new byte[0]), ""), 2, 10_000, "video/mp4", "a.mp4",
      () -> CompletableFuture.failedFuture(new AssertionError("no refresh expected")));

  @Test
  void rangeReturnsANewRequestAndLeavesTheOriginalWhole() {
    DownloadRequest whole = MediaFetcher.create(NO_NETWORK, FetchOptions.defaults()).download(FILE);
    DownloadRequest part = whole.range(100, 200);
    assertThat(part).isNotSameAs(whole);
    assertThat(part.offset()).isEqualTo(100);
    assertThat(part.length()).isEqualTo(200);
    assertThat(whole.offset()).isZero();
    assertThat(whole.length()).isEqualTo(Long.MAX_VALUE);
    DownloadRequest listened = part.withProgress(p -> {});
    assertThat(listened).isNotSameAs(part);
    assertThat(listened.offset()).isEqualTo(100);
    assertThat(listened.length()).isEqualTo(200);
  }

  @Test
  void theBuilderCopiesTheRequestAndChecksTheRange() {
    DownloadRequest part = MediaFetcher.create(NO_NETWORK, FetchOptions.defaults()).download(FILE).range(100, 200);
    DownloadRequest moved = part.newBuilder().range(300, 50).build();
    assertThat(moved.offset()).isEqualTo(300);
    assertThat(part.offset()).isEqualTo(100);
    assertThatThrownBy(() -> part.range(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> part.range(10_001, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
