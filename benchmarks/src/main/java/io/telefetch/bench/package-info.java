/**
 * JMH benchmarks of Telefetch's hot paths; run them with {@code java -jar
 * benchmarks/target/benchmarks.jar}.
 */
package io.telefetch.bench;
