package io.telefetch.testkit.e2e.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small SOCKS5 server on loopback (RFC 1928 CONNECT, optionally RFC 1929 username/password) that
 * relays bytes to the requested target and records what it was asked.
 */
final class Socks5Relay implements AutoCloseable {
  private final ServerSocket server;
  private final String username;
  private final String password;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  final List<String> targets = new CopyOnWriteArrayList<>();
  final AtomicInteger authFailures = new AtomicInteger();

  /** A relay; with {@code username} null no authentication is offered. */
  Socks5Relay(String username, String password) throws IOException {
    this.username = username;
    this.password = password;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "socks5-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String host() {
    return server.getInetAddress().getHostAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        start(() -> serve(s), "socks5-conn");
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private void serve(Socket client) {
    try {
      DataInputStream in = new DataInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      if (in.readUnsignedByte() != 5) {
        throw new IOException("not SOCKS5");
      }
      byte[] methods = in.readNBytes(in.readUnsignedByte());
      int wanted = username == null ? 0x00 : 0x02;
      boolean offered = false;
      for (byte m : methods) {
        offered |= m == wanted;
      }
      if (!offered) {
        out.write(new byte[] {5, (byte) 0xff});
        throw new IOException("no acceptable method");
      }
      out.write(new byte[] {5, (byte) wanted});
      if (username != null) {
        in.readUnsignedByte(); // sub-negotiation version 1
        String user = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
        String pass = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
        boolean ok = username.equals(user) && password.equals(pass);
        out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
        if (!ok) {
          authFailures.incrementAndGet();
          throw new IOException("bad credentials");
        }
      }
      if (in.readUnsignedByte() != 5 || in.readUnsignedByte() != 1) {
        throw new IOException("only CONNECT");
      }
      in.readUnsignedByte();
      String host = switch (in.readUnsignedByte()) {
        case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
        case 3 -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
        case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
        default -> throw new IOException("bad address type");
      };
      int port = in.readUnsignedShort();
      Socket target = new Socket();
      sockets.add(target);
      target.connect(new InetSocketAddress(host, port), 5000);
      targets.add(host + ":" + port);
      out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
      out.flush();
      start(() -> pump(target, client), "socks5-down");
      pump(client, target);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // ignored
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
