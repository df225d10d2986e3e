// Starts the testkit launcher (testkit/target/telefetch-testkit.jar) as a child process and
// returns its JSON contract (see testkit/README.md). Every scenario and the benchmark use this.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '..', '..')

/** The launcher jar: $TESTKIT_JAR, else the one `mvn package` builds in testkit/target. */
export function launcherJar() {
  const jar = process.env.TESTKIT_JAR ?? join(repoRoot, 'testkit', 'target', 'telefetch-testkit.jar')
  if (!existsSync(jar)) {
    throw new Error(`testkit launcher not found at ${jar}: run "mvn -B -q package -DskipTests" first or set TESTKIT_JAR`)
  }
  return jar
}

/**
 * Starts a launcher with the given command-line options (for example ['--dcs', '3', '--file',
 * 'demo.mp4:64MiB']) and resolves once its JSON is written.
 *
 * @returns {Promise<{config: object, pid: number, stop: () => Promise<number>}>} `config` is the
 *   parsed JSON; `stop()` sends SIGTERM and resolves with the exit status (0 for a clean exit).
 */
export async function startLauncher(args = [], { timeoutMs = 120_000, javaOpts = [], quiet = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'telefetch-interop-'))
  const configPath = join(dir, 'cluster.json')
  const child = spawn('java', [...javaOpts, '-jar', launcherJar(), ...args, '--config-out', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000)
    if (!quiet) process.stderr.write(chunk)
  })
  const exited = new Promise((res) => child.once('exit', (code, signal) => res(code ?? (signal ? 128 : 1))))
  let alive = true
  exited.then(() => { alive = false })

  const deadline = Date.now() + timeoutMs
  while (!existsSync(configPath)) {
    if (!alive) {
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`testkit launcher exited before writing its JSON (status ${await exited}):\n${stderr}`)
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`testkit launcher wrote no JSON within ${timeoutMs} ms:\n${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8'))
  const stop = async () => {
    if (alive) child.kill('SIGTERM')
    const status = await exited
    rmSync(dir, { recursive: true, force: true })
    return status
  }
  // never leave a launcher behind when the scenario dies
  process.once('exit', () => { if (alive) child.kill('SIGKILL') })
  return { config, pid: child.pid, stop, stderr: () => stderr }
}

/** The main (non-media, non-CDN) option of a DC in the launcher's JSON. */
export function mainDc(config, id) {
  const dc = config.dcs.find((d) => d.id === id && !d.media_only && !d.cdn)
  if (!dc) throw new Error(`the launcher lists no main option for DC ${id}`)
  return dc
}

/** The demo channel's message whose file name is `name`. */
export function demoFile(config, name) {
  for (const channel of config.channels) {
    const m = channel.messages.find((msg) => msg.file_name === name)
    if (m) return { channel, message: m }
  }
  throw new Error(`the launcher's JSON has no file named ${name}`)
}
