package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The CLI's logging configured in code: the levels and appender logback.xml had, and the variables that override them. */
class CliLoggingTest {

  private static LoggerContext configure(Map<String, String> vars) {
    LoggerContext context = new LoggerContext();
    CliLogging logging = new CliLogging(vars::get);
    logging.setContext(context);
    assertThat(logging.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    return context;
  }

  @Test
  void defaultsAreTheLevelsAndTheStderrAppenderOfTheFormerXml() {
    LoggerContext context = configure(Map.of());
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("telefetch.access").getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.telefetch.redis").getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.telefetch.examples.serve.PoolNode").getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.lettuce").getLevel()).isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.telefetch.mtproto").getEffectiveLevel()).isEqualTo(Level.WARN);

    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appenders::add);
    assertThat(appenders).singleElement().isInstanceOfSatisfying(ConsoleAppender.class, a -> {
      assertThat(a.getTarget()).isEqualTo("System.err");
      assertThat(a.isStarted()).isTrue();
      assertThat(((PatternLayoutEncoder) a.getEncoder()).getPattern()).isEqualTo(CliLogging.PATTERN);
    });
  }

  @Test
  void variablesOverrideTheLevels() {
    LoggerContext context = configure(Map.of("TELEFETCH_LOG", "debug", "TELEFETCH_ACCESS_LOG", "OFF",
        "TELEFETCH_LOG_REDIS", "inherited"));
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("telefetch.access").getLevel()).isEqualTo(Level.OFF);
    assertThat(context.getLogger("io.telefetch.redis").getLevel()).isNull();
    assertThat(context.getLogger("io.telefetch.redis").getEffectiveLevel()).isEqualTo(Level.DEBUG);
  }

  @Test
  void blankVariablesMeanTheDefault() {
    LoggerContext context = configure(Map.of("TELEFETCH_LOG", " ", "TELEFETCH_ACCESS_LOG", ""));
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("telefetch.access").getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void logbackFindsItAsAServiceAndNoXmlConfigurationIsOnTheClassPath() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
        .contains(CliLogging.class.getName());
    assertThat(CliLogging.class.getClassLoader().getResource("logback.xml")).isNull();
    assertThat(CliLogging.class.getClassLoader().getResource("logback-test.xml")).isNull();
    // the context the tests run with is this configuration
    LoggerContext running = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    assertThat(running.getLogger("io.lettuce").getLevel()).isEqualTo(Level.ERROR);
  }
}
