// Runs every interop scenario, each in its own Node process, one after another, and exits non-zero
// when any of them fails. `npm test` runs this; .ci/run runs `npm test` after `mvn -B verify`.
//
//   node run-all.mjs [name ...]     only the named scenarios (file names without .mjs)
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launcherJar } from './lib/launcher.mjs'

const here = dirname(fileURLToPath(import.meta.url))

// In the order of the issue: mtcute end to end, GramJS end to end, the codec both ways, then what
// only foreign clients do.
const SCENARIOS = ['mtcute', 'gramjs', 'codec', 'foreign-behaviour']

const wanted = process.argv.slice(2)
const chosen = wanted.length ? wanted : SCENARIOS
for (const name of chosen) {
  if (!existsSync(join(here, 'scenarios', `${name}.mjs`))) {
    console.error(`no scenario named ${name} (have: ${SCENARIOS.join(', ')})`)
    process.exit(2)
  }
}
launcherJar() // fails early, with the fix, when the Java build has not run

function run(name) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [join(here, 'scenarios', `${name}.mjs`)], { stdio: 'inherit' })
    child.on('exit', (code, signal) => resolve({ name, code: code ?? 1, signal, seconds: (Date.now() - started) / 1000 }))
  })
}

const results = []
for (const name of chosen) {
  console.log(`\n=== interop scenario: ${name}`)
  results.push(await run(name))
}
console.log('\n=== interop summary')
for (const r of results) {
  const status = r.code === 0 ? 'PASS' : `FAIL (${r.signal ?? `exit ${r.code}`})`
  console.log(`${status.padEnd(14)} ${r.name.padEnd(20)} ${r.seconds.toFixed(1)} s`)
}
const failed = results.filter((r) => r.code !== 0)
if (failed.length) {
  console.error(`${failed.length} interop scenario(s) failed: ${failed.map((r) => r.name).join(', ')}`)
  process.exit(1)
}
