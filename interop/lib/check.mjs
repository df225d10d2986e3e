// Tiny assertion helpers for the scenarios: a failure names the scenario step and what differed.
export class InteropFailure extends Error {}

export function check(condition, message) {
  if (!condition) throw new InteropFailure(message)
}

export function checkEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new InteropFailure(`${what}: expected ${String(expected)}, got ${String(actual)}`)
  }
}

/** Runs a scenario's main function; prints the failure and exits non-zero when it throws. */
export function runScenario(name, main) {
  const started = Date.now()
  main().then(
    () => {
      console.log(`[${name}] PASS in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      process.exit(0)
    },
    (err) => {
      console.error(`[${name}] FAIL: ${err?.stack ?? err}`)
      process.exit(1)
    },
  )
}
