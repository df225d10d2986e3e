package io.telefetch.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link InMemoryMetadataCache}: per-entry times to live on a fake ticker, the size bound, plain values. */
class InMemoryMetadataCacheTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final InMemoryMetadataCache cache = InMemoryMetadataCache.builder().ticker(nanos::get).build();
  private static final Peer CHANNEL = new Peer(Peer.Type.CHANNEL, 42, -7, "demo", "Demo", 9, 2);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void anEntryLivesExactlyItsOwnTtl() {
    cache.putPeer("username:demo", CHANNEL, Duration.ofSeconds(10));
    cache.putPeer("channel:42", CHANNEL, Duration.ofSeconds(30));
    advance(Duration.ofSeconds(10).minusNanos(1));
    assertThat(cache.peer("username:demo")).contains(CHANNEL);
    advance(Duration.ofNanos(1));
    assertThat(cache.peer("username:demo")).isEmpty();
    assertThat(cache.peer("channel:42")).contains(CHANNEL);
    advance(Duration.ofSeconds(20));
    assertThat(cache.peer("channel:42")).isEmpty();
    assertThat(cache.size()).isZero();
  }

  @Test
  void readsDoNotExtendAndWritesRestartTheTtl() {
    cache.putPeer("k", CHANNEL, Duration.ofSeconds(10));
    advance(Duration.ofSeconds(6));
    assertThat(cache.peer("k")).isPresent();
    advance(Duration.ofSeconds(5));
    assertThat(cache.peer("k")).isEmpty();
    cache.putPeer("k", CHANNEL, Duration.ofSeconds(10));
    advance(Duration.ofSeconds(6));
    cache.putPeer("k", CHANNEL, Duration.ofSeconds(10));
    advance(Duration.ofSeconds(6));
    assertThat(cache.peer("k")).isPresent();
  }

  @Test
  void peersAndLinksAreSeparateAndAZeroTtlStoresNothing() {
    LinkMetadata meta = new LinkMetadata(TelegramLink.Kind.POST, CHANNEL, List.of(3), List.of(), null);
    cache.putLink("link:post:demo/3", meta, Duration.ofMinutes(1));
    assertThat(cache.link("link:post:demo/3")).contains(meta);
    assertThat(cache.peer("link:post:demo/3")).isEmpty();
    cache.putPeer("p", CHANNEL, Duration.ZERO);
    assertThat(cache.peer("p")).isEmpty();
    cache.invalidate("link:post:demo/3");
    assertThat(cache.link("link:post:demo/3")).isEmpty();
  }

  @Test
  void theSizeIsBounded() {
    InMemoryMetadataCache small = InMemoryMetadataCache.builder().ticker(nanos::get).maximumSize(5).build();
    for (int i = 0; i < 50; i++) {
      small.putPeer("channel:" + i, CHANNEL, Duration.ofHours(1));
    }
    assertThat(small.size()).isLessThanOrEqualTo(5);
    assertThatThrownBy(() -> InMemoryMetadataCache.builder().maximumSize(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valuesArePlainSerialisableRecords() throws Exception {
    MediaRef ref = new MediaRef("document", 5, 6, new byte[] {1, 2, 3}, "", 2, 1000, "application/pdf", "a.pdf",
        MediaSource.message(CHANNEL, 3));
    LinkMetadata meta = new LinkMetadata(TelegramLink.Kind.POST, CHANNEL, List.of(3), List.of(ref),
        new InvitePreview("t", null, 3, true, false, null));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(meta);
    }
    Object back = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
    assertThat(back).isEqualTo(meta);
    assertThat(((LinkMetadata) back).media().get(0).fileReference()).containsExactly(1, 2, 3);
  }

  @Test
  void toStringsHideSecrets() {
    MediaRef invite = new MediaRef("photo", 5, 123456789, new byte[] {9}, "y", 2, 10, "image/jpeg", null,
        MediaSource.invite("SECRETHASH"));
    assertThat(invite.toString()).doesNotContain("SECRETHASH").doesNotContain("123456789");
    assertThat(CHANNEL.toString()).doesNotContain("-7");
  }

  @Test
  void aMediaRefOfAnUnknownLocationKindIsRejectedWhenBuilt() {
    // a cached value from another version or a corrupted store fails where it is read, not later
    assertThatThrownBy(() -> new MediaRef("video", 5, 6, new byte[0], "", 2, 10, "video/mp4", "a.mp4",
        MediaSource.message(CHANNEL, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown location video");
  }
}
