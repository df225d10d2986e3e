/**
 * The standalone launcher: {@link io.telefetch.testkit.launcher.Launcher} (the main class of {@code
 * telefetch-testkit.jar}) starts a {@link io.telefetch.testkit.launcher.DemoCluster} - a {@code
 * TestCluster} seeded with the public channel {@code @telefetch_demo}, a bot and the t.me pages -
 * and writes its {@link io.telefetch.testkit.launcher.LaunchConfig} JSON, the contract for the demo
 * and for foreign clients (see the module README).
 */
@NullMarked
package io.telefetch.testkit.launcher;

import org.jspecify.annotations.NullMarked;
