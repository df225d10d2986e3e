package io.telefetch.examples.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code telefetch} tool's logging, configured in code (logback's {@link Configurator} service,
 * {@code META-INF/services}) instead of a {@code logback.xml}: Joran's XML configuration loads the
 * JDK's XML parser and about 400 logback classes at every start. What it sets up: one appender on
 * standard error ({@code HH:mm:ss.SSS LEVEL logger - message}); the root at {@code $TELEFETCH_LOG}
 * (default WARN); {@code telefetch.access} (serve's access log) at {@code $TELEFETCH_ACCESS_LOG}
 * (default INFO); {@code io.telefetch.redis} at {@code $TELEFETCH_LOG_REDIS} (default INFO); {@code
 * io.telefetch.examples.serve.PoolNode} at INFO; {@code io.lettuce} at ERROR (Lettuce logs every
 * failed reconnect while Redis is away; the pool says it once). A variable is read as a system
 * property first, then from the environment, as logback's {@code ${NAME:-default}} does (unset or
 * blank: the default); a value is
 * a level name ({@code OFF}, {@code ERROR} ... {@code TRACE}; an unknown name means DEBUG, as in
 * logback's XML).
 *
 * <p>An explicit configuration still wins: with {@code -Dlogback.configurationFile=...}, or a {@code
 * logback-test.xml} or {@code logback.xml} on the class path, this configurator steps aside and
 * logback's own (XML) configuration runs.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class CliLogging extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  private final Function<String, @Nullable String> variables;

  /** The configurator logback's service loader creates: variables from system properties, then the environment. */
  public CliLogging() {
    this(name -> {
      String v = System.getProperty(name);
      return v != null ? v : System.getenv(name);
    });
  }

  CliLogging(Function<String, @Nullable String> variables) {
    this.variables = variables;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (explicitConfiguration()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    level(context, "telefetch.access", "TELEFETCH_ACCESS_LOG", "INFO");
    level(context, "io.telefetch.redis", "TELEFETCH_LOG_REDIS", "INFO");
    level(context, "io.telefetch.examples.serve.PoolNode", null, "INFO");
    level(context, "io.lettuce", null, "ERROR");
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(value("TELEFETCH_LOG", "WARN")));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private void level(LoggerContext context, String logger, @Nullable String variable, String defaultLevel) {
    String name = variable == null ? defaultLevel : value(variable, defaultLevel);
    // as logback's XML: INHERITED or NULL clears the logger's own level
    boolean inherit = name.equalsIgnoreCase("INHERITED") || name.equalsIgnoreCase("NULL");
    context.getLogger(logger).setLevel(inherit ? null : Level.toLevel(name));
  }

  private String value(String variable, String defaultValue) {
    String v = variables.apply(variable);
    return v == null || v.isBlank() ? defaultValue : v.strip();
  }

  private static boolean explicitConfiguration() {
    if (System.getProperty("logback.configurationFile") != null) {
      return true;
    }
    ClassLoader loader = CliLogging.class.getClassLoader();
    return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
  }
}
