package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.SourceState.FallenBack;
import io.telefetch.media.SourceState.Master;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The router's states and every transition between them, without I/O. */
class SourceStateTest {
  private static FileCdnRedirect redirect(int cdnDc, int keyBytes) {
    return new FileCdnRedirect(cdnDc, TlBytes.wrap(new byte[] {1, 2, 3}), TlBytes.wrap(new byte[keyBytes]),
        TlBytes.wrap(new byte[16]), List.of());
  }

  @Test
  void aFileStartsOnItsDcWithCdnRedirectsAccepted() {
    SourceState s = SourceState.initial(2);
    assertThat(s).isEqualTo(new Master(2));
    assertThat(s.masterDc()).isEqualTo(2);
    assertThat(s.cdnSupported()).isTrue();
  }

  @Test
  void fileMigrateMovesTheMasterAndKeepsTheKindOfState() {
    assertThat(new Master(2).migrated(4)).isEqualTo(new Master(4));
    assertThat(new FallenBack(2).migrated(4)).isEqualTo(new FallenBack(4));
    SourceState same = new Master(2);
    assertThat(same.migrated(2)).as("no change, no event").isSameAs(same);
    Cdn cdn = (Cdn) new Master(2).redirected(redirect(203, 32));
    SourceState moved = cdn.migrated(4);
    assertThat(moved).isInstanceOf(Cdn.class);
    assertThat(moved.masterDc()).isEqualTo(4);
    assertThat(((Cdn) moved).cdnDc()).isEqualTo(203);
  }

  @Test
  void aWellFormedRedirectGoesToTheCdnAndHashesStayWithTheMaster() {
    SourceState s = new Master(2).redirected(redirect(203, 32));
    assertThat(s).isInstanceOf(Cdn.class);
    Cdn cdn = (Cdn) s;
    assertThat(cdn.masterDc()).isEqualTo(2);
    assertThat(cdn.cdnDc()).isEqualTo(203);
    assertThat(cdn.key()).hasSize(32);
    assertThat(cdn.cdnSupported()).isFalse();
    assertThat(cdn.toString()).doesNotContain("key").doesNotContain("token").contains("203");
  }

  @Test
  void aMalformedRedirectFallsBackToTheDc() {
    assertThat(new Master(2).redirected(redirect(203, 31))).isEqualTo(new FallenBack(2));
    assertThat(new Master(2).redirected(redirect(-7, 32))).isEqualTo(new FallenBack(2));
    assertThat(new FallenBack(2).cdnSupported()).isFalse();
  }

  @Test
  void aFailedCdnFallsBackOnceAndAStaleFailureChangesNothing() {
    Cdn first = (Cdn) new Master(2).redirected(redirect(203, 32));
    assertThat(first.cdnFailed(first)).isEqualTo(new FallenBack(2));
    Cdn second = (Cdn) first.redirected(redirect(203, 32));
    assertThat(second).as("each redirect is its own state").isNotEqualTo(first);
    assertThat(second.cdnFailed(first)).as("a part of the older redirect failed").isSameAs(second);
    SourceState fallen = new FallenBack(2);
    assertThat(fallen.cdnFailed(first)).isSameAs(fallen);
  }
}
