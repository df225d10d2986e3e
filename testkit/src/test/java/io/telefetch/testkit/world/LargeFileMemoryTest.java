package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.MIB;
import static io.telefetch.testkit.world.Clients.location;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB seeded file is served in 1 MiB parts, several in flight on two connections, while the
 * heap (client and servers share this JVM) stays flat: nothing of the file is held beyond the
 * parts in flight. Every part is compared with the generated range (cheaper than hashing the GiB
 * twice; {@link FileContentTest} covers SHA-256).
 */
class LargeFileMemoryTest {
  private static final long SIZE = 1L << 30;
  private static final long HEAP_BOUND = 64L * MIB;
  private static final int IN_FLIGHT_PER_CONNECTION = 2;

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void oneGibDownloadKeepsTheHeapFlat() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start();
        Clients clients = new Clients(cluster)) {
      World world = cluster.world();
      WorldDocument big = world.video("big.mp4", FileContent.seeded(0xB16, SIZE)).dc(2).create();
      MtprotoConnection first = clients.loginBot(world.bot("big_bot").dc(2).create());
      List<MtprotoConnection> connections = List.of(first, clients.reuseKey(cluster.dc(2), first));
      InputDocumentFileLocation loc = location(world, big);

      long before = usedHeapAfterGc(memory);
      long maxDelta = 0;
      ArrayDeque<CompletableFuture<FileType>> window = new ArrayDeque<>();
      int parts = (int) (SIZE / MIB);
      int next = 0;
      long received = 0;
      long t0 = System.nanoTime();
      while (received < SIZE) {
        while (next < parts && window.size() < IN_FLIGHT_PER_CONNECTION * connections.size()) {
          MtprotoConnection c = connections.get(next % connections.size());
          window.add(c.invoke(new GetFile(false, false, loc, (long) next * MIB, MIB)));
          next++;
        }
        byte[] bytes = ((File) window.poll().join()).bytes().toByteArray();
        if (!Arrays.equals(bytes, big.content().read(received, MIB))) {
          throw new AssertionError("part at " + received + " differs from the file");
        }
        received += bytes.length;
        if (received % (256L * MIB) == 0) {
          maxDelta = Math.max(maxDelta, usedHeapAfterGc(memory) - before);
        }
      }
      long downloadMillis = (System.nanoTime() - t0) / 1_000_000;
      long after = usedHeapAfterGc(memory);
      maxDelta = Math.max(maxDelta, after - before);

      System.out.printf(
          "1 GiB served in %d ms (%.0f MiB/s); heap after GC: before %.1f MiB, after %.1f MiB, max growth %.1f MiB;"
              + " pooled direct memory %.1f MiB%n",
          downloadMillis, 1024.0 * 1000 / downloadMillis, before / 1048576.0, after / 1048576.0,
          maxDelta / 1048576.0, PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() / 1048576.0);
      assertThat(maxDelta).as("heap growth while serving 1 GiB").isLessThan(HEAP_BOUND);
      assertThat(cluster.dc(2).recorder().count("upload.getFile")).isEqualTo(parts);
    }
  }
}
