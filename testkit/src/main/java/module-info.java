/**
 * An in-process Telegram for tests, benchmarks and the demo: {@link io.telefetch.testkit.TestCluster}
 * runs real MTProto DC servers ({@code server}) over a world of users, channels and files ({@code
 * world}), with CDN and t.me pages ({@code web}); {@code launcher} runs it as a process. All of it
 * is testkit's API; it reads the server side of mtproto-core's internals through qualified exports.
 */
module io.telefetch.testkit {
  requires transitive io.telefetch.mtproto;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.handler;
  requires org.slf4j;
  // the launcher's command line and the JSON config it writes
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  // t.me pages are served by the JDK's HTTP server; photos are drawn with java.awt
  requires jdk.httpserver;
  requires java.desktop;
  // the launcher stops on SIGTERM/SIGINT through sun.misc.Signal
  requires jdk.unsupported;

  exports io.telefetch.testkit;
  exports io.telefetch.testkit.launcher;
  exports io.telefetch.testkit.server;
  exports io.telefetch.testkit.web;
  exports io.telefetch.testkit.world;

  // picocli and Jackson reflect on the launcher's options and config
  opens io.telefetch.testkit.launcher to info.picocli, com.fasterxml.jackson.databind;
}
