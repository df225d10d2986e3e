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
 */
final class RedisFixture implements AutoCloseable {
  private final int port;
  private RedisServer server;

  private RedisFixture(int port) {
    this.port = port;
  }

  static RedisFixture start() {
    RedisFixture f = new RedisFixture(freePort());
    f.up();
    return f;
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  synchronized void up() {
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

  synchronized void down() {
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

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
