package io.telefetch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A freshly started cluster answers a client's first message promptly, with nothing warmed up. The
 * TL registry used to take seconds to build on a small machine (every generated class loaded at
 * once); paid on the first client's req_pq_multi, it made mtcute's first key exchange against a
 * fresh launcher time out (mtcute waits 5 s), and {@link TestCluster#start()} built it in advance.
 * Now building it loads no generated class, and start() warms nothing. Run in a class loader of
 * its own, since this JVM's registry and codec classes were loaded by earlier tests; the client
 * side is raw bytes on a socket, so only the server's first answer is timed.
 */
class ColdStartTest {
  /** Far above the cold first answer now (tenths of a second), far below the registry's old cost. */
  private static final long LIMIT_MILLIS = 2_000;
  private static final int REQ_PQ_MULTI = 0xbe7e8ef1;
  private static final int RES_PQ = 0x05162463;

  /** Loads the test class path again, apart from this JVM's copy. */
  private static final class Isolated extends URLClassLoader {
    Isolated() throws Exception {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    private static URL[] classPath() throws Exception {
      List<URL> urls = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(new File(entry).toURI().toURL());
      }
      return urls.toArray(URL[]::new);
    }
  }

  @Test
  void aFreshClusterAnswersTheFirstReqPqMultiPromptly() throws Exception {
    try (Isolated loader = new Isolated()) {
      Class<?> probe = loader.loadClass(Probe.class.getName());
      assertThat(probe.getClassLoader()).isSameAs(loader);
      long millis = (long) probe.getMethod("firstAnswerMillis").invoke(null);
      System.out.println("ColdStartTest: a fresh cluster answered the first req_pq_multi in " + millis + " ms");
      assertThat(millis).as("first req_pq_multi answered by a fresh cluster, ms").isLessThan(LIMIT_MILLIS);
    }
  }

  /** Runs in the isolated class loader: starts a cluster, times its answer to one req_pq_multi. */
  public static final class Probe {
    private Probe() {}

    public static long firstAnswerMillis() throws Exception {
      try (TestCluster cluster = TestCluster.builder().dcs(1).build().start();
          Socket socket = new Socket(cluster.dc(1).host(), cluster.dc(1).port())) {
        socket.setSoTimeout(30_000);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        // intermediate transport; a plain message: auth_key_id 0, msg_id, length, req_pq_multi nonce:int128
        ByteBuffer packet = ByteBuffer.allocate(4 + 4 + 8 + 8 + 4 + 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        long msgId = (System.currentTimeMillis() / 1000) << 32 | (System.nanoTime() & 0x7fff_fffcL);
        packet.putInt(0xeeeeeeee).putInt(8 + 8 + 4 + 4 + 16).putLong(0).putLong(msgId).putInt(4 + 16)
            .putInt(REQ_PQ_MULTI).put(nonce);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        long start = System.nanoTime();
        out.write(packet.array());
        out.flush();
        byte[] length = new byte[4];
        in.readFully(length);
        byte[] answer = new byte[ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt()];
        in.readFully(answer);
        long millis = (System.nanoTime() - start) / 1_000_000;
        ByteBuffer a = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
        if (a.getLong(0) != 0 || a.getInt(20) != RES_PQ || !Arrays.equals(Arrays.copyOfRange(answer, 24, 40), nonce)) {
          throw new AssertionError("not a resPQ for our nonce: " + Arrays.toString(answer));
        }
        return millis;
      }
    }
  }
}
