/**
 * The {@code telefetch} commands a person runs with a Telegram account ({@code login}, {@code
 * accounts}, {@code logout}, {@code download}, {@code info}) and the small layer other commands
 * reuse: {@link io.telefetch.examples.cli.TelefetchHome} (the config directory and its named
 * accounts), {@link io.telefetch.examples.cli.AccountOptions} (the {@code --account}, api
 * credentials and {@code --testkit} options every command takes, and {@link
 * io.telefetch.examples.cli.AccountOptions#openLoggedIn} which opens an account's logged-in
 * client), {@link io.telefetch.examples.cli.CliIo} (the streams and environment a command runs
 * with) and {@link io.telefetch.examples.cli.CliErrors} (every error as one line and a hint).
 */
@NullMarked
package io.telefetch.examples.cli;

import org.jspecify.annotations.NullMarked;
