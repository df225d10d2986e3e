package io.telefetch.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * A real Redis for one test class: {@code redis-server} from the PATH when there is one, else the
 * binary the embedded-redis jar ships, on a free port, no persistence (a restart forgets every key,
 * as a crashed Redis without persistence would). Can be stopped and started again on the same port.
 * Shared with other modules' tests through this module's test jar.
 */
public final class RedisFixture implements AutoCloseable {
  private final int port;
  private RedisServer server;

  private RedisFixture(int port) {
    this.port = port;
  }

  /** Starts a Redis on a free port. */
  public static RedisFixture start() {
    RedisFixture f = new RedisFixture(freePort());
    f.up();
    return f;
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server; a no-op while it runs (a test's cleanup may race its own restart). */
  public synchronized void up() {
    if (server != null && server.isActive()) {
      return;
    }
    try {
      File onPath = onPath();
      redis.embedded.core.RedisServerBuilder b = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no");
      if (onPath != null) {
        b.executableProvider(() -> onPath);
      }
      server = b.build();
      server.start();
      awaitPort(true);
    } catch (IOException e) {
      throw new AssertionError("cannot start redis-server", e);
    }
  }

  /** Stops the server (it forgets every key); {@link #up} starts it again on the same port. */
  public synchronized void down() {
    try {
      server.stop();
      awaitPort(false);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (IOException e) {
      // stopping anyway
    }
  }

  private static File onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f;
      }
    }
    return null;
  }

  private void awaitPort(boolean open) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      boolean isOpen;
      try (Socket s = new Socket("127.0.0.1", port)) {
        isOpen = true;
      } catch (IOException e) {
        isOpen = false;
      }
      if (isOpen == open) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("redis port " + port + " did not become " + (open ? "open" : "closed"));
  }

  /**
   * A free port below Linux's ephemeral range (32768-60999): while Redis is down for a restart, the
   * client's reconnects to a port inside that range can be given that very port as their own local
   * port (a TCP self-connect), which then holds it and the restarted server cannot bind (seen in CI).
   */
  private static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int i = 0; i < 200; i++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new AssertionError("no free port in 20000-31999");
  }
}
