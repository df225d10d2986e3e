// Side-by-side download benchmark: one testkit launcher process serves one seeded file (default
// 1 GiB); Telefetch (media-fetch, `telefetch fetch`), mtcute (its own downloader) and GramJS (a raw
// upload.getFile loop) download it one after another, each in its own process, each hashing the
// bytes (SHA-256, checked against the launcher's JSON by the client and again here: a wrong
// download fails the run instead of producing a number). For each: MB/s (wall time of the
// download), the client process's CPU seconds per GiB (user + system), its peak RSS, and the
// ratios to Telefetch.
//
//   node interop/bench/side-by-side.mjs [--size 1GiB] [--clients telefetch,mtcute,gramjs]
//       [--repeat N] [--warmup SIZE] [--json FILE] [--login bot|guest] [--java-opts "..."]
//       [--telefetch-args "..."] [--timeout SECONDS] [--telefetch-launcher PATH|none]
//
// Clients: telefetch (media-fetch defaults), telefetch-noverify (--verify false), mtcute, gramjs
// (one upload.getFile at a time: GramJS has no parallel downloader), gramjs-pN (N raw calls in
// flight through GramJS's one sender). With --repeat N the whole set runs N times against the same
// launcher, the order rotated each round; the table shows medians and the min..max spread.
//
// Measured from outside, around each client process: CPU (user + system) and the peak RSS from
// wait4() through /usr/bin/time when installed (GNU time), else from sampling /proc/PID/stat and
// VmHWM in /proc/PID/status every 100 ms; the launcher's CPU during each client's run from
// /proc/LAUNCHER/stat. Reported by the client itself: the download's wall time (MB/s) and its CPU
// during the download only (process.resourceUsage(), or /proc/self/stat in the JVM).
//
// The floor: in the same run (before the clients, with the machine otherwise as quiet), what the
// cryptography every client cannot avoid costs on this machine, measured by JMH (CryptoFloor in
// the benchmarks jar): AES-256-IGE decryption + SHA-256, CPU s/GiB. Each client's floor is IGE plus
// the SHA-256 passes it must make over every byte: msg_key (MTProto 2.0), the SHA-256 of the file
// that every client here computes and checks, and for telefetch with verification the part hashes
// (upload.getFileHashes); its ratio is its download CPU over that floor.
//
// How Telefetch runs: through its launcher script (examples/target/telefetch: SerialGC, a heap sized
// for the download window, the class-data-sharing archive), the way a person runs the tool, when it
// exists; --java-opts then go to it as TELEFETCH_JAVA_OPTS (appended last: they win). With
// --telefetch-launcher none (or no script): `java [--java-opts] -jar telefetch.jar`, the JVM's defaults.
//
// Environment: TESTKIT_JAR (the launcher jar, default testkit/target/telefetch-testkit.jar),
// TELEFETCH_JAR (default examples/target/telefetch.jar), TELEFETCH_LAUNCHER (the launcher script,
// default examples/target/telefetch when it exists; none: java -jar), BENCH_JAR (for the floor,
// default benchmarks/target/benchmarks.jar).
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLauncher, launcherJar, repoRoot } from '../lib/launcher.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const GIB = 2 ** 30
const TICKS = 100 // USER_HZ: the unit of utime/stime in /proc/PID/stat
const GNU_TIME = '/usr/bin/time'
const FILE_NAME = 'bench.bin'
const WARMUP_FILE_NAME = 'warmup.bin'

// ------------------------------------------------------------------ options

const USAGE = `usage: node interop/bench/side-by-side.mjs [options]
  --size SIZE           file size, launcher syntax (default 1GiB; e.g. 64MiB for a quick try)
  --clients LIST        comma-separated, in order (default telefetch,mtcute,gramjs); known:
                        telefetch, telefetch-noverify, mtcute, gramjs, gramjs-pN (N in flight)
  --repeat N            run the set N times against the same launcher, order rotated (default 1)
  --warmup SIZE         first, each client downloads a second file of this size, untimed, so that
                        no client meets a cold launcher JVM (default 128MiB; 0: no warm-up)
  --json FILE           also write every run and the summary as JSON to FILE
  --login bot|guest     how telefetch and mtcute log in (default bot; GramJS is always a guest)
  --java-opts "..."     JVM options for the Telefetch client (through the launcher: TELEFETCH_JAVA_OPTS)
  --telefetch-launcher PATH|none
                        run Telefetch through this launcher script (default examples/target/telefetch
                        when it exists); none: java -jar TELEFETCH_JAR with the JVM's defaults
  --telefetch-args ".." extra options for "telefetch fetch" (e.g. "--window 16 --connections 4")
  --timeout SECONDS     per client run (default 1800)
  --floor jmh|loop|none measure the cryptographic floor first (default jmh, about 40 s; needs BENCH_JAR)
env TESTKIT_JAR, TELEFETCH_JAR, TELEFETCH_LAUNCHER, BENCH_JAR`

function parseArgs(argv) {
  const o = { size: '1GiB', clients: ['telefetch', 'mtcute', 'gramjs'], repeat: 1, warmup: '128MiB', json: null, login: 'bot',
    javaOpts: [], telefetchArgs: [], timeout: 1800, floor: 'jmh', telefetchLauncher: process.env.TELEFETCH_LAUNCHER ?? null }
  const words = (s) => s.trim() ? s.trim().split(/\s+/) : []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) fail(`missing value for ${a}`)
      return argv[++i]
    }
    switch (a) {
      case '--size': o.size = value(); break
      case '--clients': o.clients = value().split(',').map((s) => s.trim()).filter(Boolean); break
      case '--repeat': o.repeat = Number(value()); break
      case '--warmup': o.warmup = value(); break
      case '--json': o.json = resolve(value()); break
      case '--login': o.login = value(); break
      case '--java-opts': o.javaOpts = words(value()); break
      case '--telefetch-launcher': o.telefetchLauncher = value(); break
      case '--telefetch-args': o.telefetchArgs = words(value()); break
      case '--timeout': o.timeout = Number(value()); break
      case '--floor': o.floor = value(); break
      case '-h': case '--help': console.log(USAGE); process.exit(0); break
      default: fail(`unknown option ${a}`)
    }
  }
  if (!Number.isInteger(o.repeat) || o.repeat < 1) fail('--repeat takes a positive integer')
  if (!(o.timeout > 0)) fail('--timeout takes a positive number of seconds')
  if (!['bot', 'guest'].includes(o.login)) fail('--login takes bot or guest')
  if (!['jmh', 'loop', 'none'].includes(o.floor)) fail('--floor takes jmh, loop or none')
  const sizePattern = /^\d+(\.\d+)?\s*([KMG](i?B)?|B)?$/i
  if (!sizePattern.test(o.size)) fail(`not a size: ${o.size}`)
  if (!sizePattern.test(o.warmup)) fail(`not a size: ${o.warmup}`)
  if (/^0+(\.0+)?\D*$/.test(o.warmup)) o.warmup = null
  if (o.clients.length === 0) fail('--clients lists no client')
  for (const c of o.clients) {
    if (!/^(telefetch|telefetch-noverify|mtcute|gramjs|gramjs-p[1-9]\d*)$/.test(c)) fail(`unknown client ${c}`)
  }
  if (new Set(o.clients).size !== o.clients.length) fail('--clients lists a client twice')
  return o
}

function fail(message) {
  console.error(`side-by-side: ${message}\n${USAGE}`)
  process.exit(2)
}

// ------------------------------------------------------------------ /proc

function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/)
    return { user: Number(f[11]) / TICKS, system: Number(f[12]) / TICKS } // fields 14 and 15
  } catch {
    return null
  }
}

function procHwmKib(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

function procChildren(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'n/a'
  }
}

// ------------------------------------------------------------------ one client process

/** The client process running now (its own process group), for the signal handlers. */
let currentClient = null
/** Set by the signal handlers: no further output, the handler exits once the launcher stopped. */
let interrupted = false
const parkIfInterrupted = () => (interrupted ? new Promise(() => {}) : undefined)

/** The command line of a client. */
function clientCommand(name, ctx) {
  const common = ['--config', ctx.configPath, '--message', String(ctx.post.id)]
  if (name === 'telefetch' || name === 'telefetch-noverify') {
    const extra = name === 'telefetch-noverify' ? ['--verify', 'false'] : []
    const fetch = ['fetch', ...common, ...(ctx.opts.login === 'guest' ? ['--guest'] : []), ...extra, ...ctx.opts.telefetchArgs]
    return ctx.telefetchLauncher ? [ctx.telefetchLauncher, ...fetch]
      : ['java', ...ctx.opts.javaOpts, '-jar', ctx.telefetchJar, ...fetch]
  }
  if (name === 'mtcute') {
    return [process.execPath, join(here, 'client-mtcute.mjs'), ...common, ...(ctx.opts.login === 'guest' ? ['--guest'] : [])]
  }
  const parallel = name === 'gramjs' ? 1 : Number(name.slice('gramjs-p'.length))
  return [process.execPath, join(here, 'client-gramjs.mjs'), ...common, '--guest', '--parallel', String(parallel),
    ...(ctx.location ? ['--location', ctx.location] : [])]
}

/**
 * Runs one client to its end: its own figures (the last stdout line, JSON) and the outside ones
 * (GNU time's wait4() figures, /proc samples, the launcher's CPU during the run).
 */
async function runClient(name, ctx) {
  const command = clientCommand(name, ctx)
  const timeFile = join(ctx.dir, `time-${name}.txt`)
  const wrapped = ctx.gnuTime
    ? [GNU_TIME, '-f', 'wall=%e user=%U system=%S maxrss_kib=%M', '-o', timeFile, ...command]
    : command
  rmSync(timeFile, { force: true })
  const launcherCpu0 = procCpuSeconds(ctx.launcherPid)
  const load0 = loadAverage()
  const t0 = process.hrtime.bigint()
  // its own process group, so that a timeout can stop the client and (with GNU time) its wrapper
  const env = ctx.telefetchLauncher && name.startsWith('telefetch')
    ? { ...process.env, TELEFETCH_JAVA_OPTS: ctx.opts.javaOpts.join(' ') }
    : process.env
  const child = spawn(wrapped[0], wrapped.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => {
    stderr += d
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000)
  })
  currentClient = child
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })))

  // sample the client process (under GNU time: time's child) until it exits
  const sample = { pid: null, cpu: null, hwmKib: null, samples: 0 }
  const sampler = setInterval(() => {
    if (sample.pid === null) {
      sample.pid = ctx.gnuTime ? procChildren(child.pid)[0] ?? null : child.pid
      if (sample.pid === null) return
    }
    const cpu = procCpuSeconds(sample.pid)
    const hwm = procHwmKib(sample.pid)
    if (cpu) sample.cpu = cpu
    if (hwm !== null) sample.hwmKib = Math.max(sample.hwmKib ?? 0, hwm)
    sample.samples++
  }, 100)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    try { process.kill(-child.pid, 'SIGKILL') } catch { /* already gone */ }
  }, ctx.opts.timeout * 1000)
  const { code, signal } = await exited
  currentClient = null
  clearTimeout(timer)
  clearInterval(sampler)
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  const launcherCpu1 = procCpuSeconds(ctx.launcherPid)
  const load1 = loadAverage()

  const run = { client: name, status: code ?? signal, process_wall_s: round(wall), load_before: load0, load_after: load1 }
  const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'))
  let own = null
  try {
    own = lines.length ? JSON.parse(lines[lines.length - 1]) : null
  } catch { /* reported below */ }
  run.own = own

  let outside = null
  if (ctx.gnuTime && existsSync(timeFile)) {
    const text = readFileSync(timeFile, 'utf8')
    const m = /wall=([\d.]+) user=([\d.]+) system=([\d.]+) maxrss_kib=(\d+)/.exec(text)
    if (m) outside = { source: 'GNU time (wait4)', user: Number(m[2]), system: Number(m[3]), maxRssKib: Number(m[4]) }
  }
  if (!outside && sample.cpu) {
    outside = { source: '/proc samples', user: sample.cpu.user, system: sample.cpu.system, maxRssKib: sample.hwmKib }
  }
  run.outside = outside
  run.sampled = { vm_hwm_kib: sample.hwmKib, cpu_s: sample.cpu ? round(sample.cpu.user + sample.cpu.system) : null, samples: sample.samples }
  run.launcher_cpu_s = launcherCpu0 && launcherCpu1
    ? round(launcherCpu1.user + launcherCpu1.system - launcherCpu0.user - launcherCpu0.system) : null

  // the verdict: the client's own check, and ours against the launcher's JSON
  const problems = []
  if (timedOut) problems.push(`timed out after ${ctx.opts.timeout} s`)
  if (!own) problems.push('printed no JSON result')
  else {
    if (own.error) problems.push(own.error)
    if (own.bytes !== ctx.post.size) problems.push(`${own.bytes} bytes, expected ${ctx.post.size}`)
    if (own.sha256 !== ctx.post.sha256) problems.push(`SHA-256 ${own.sha256} is not the JSON's ${ctx.post.sha256}`)
    if (own.ok !== true) problems.push('the client reported ok=false')
  }
  if (code !== 0) problems.push(`exit status ${code ?? signal}`)
  run.ok = problems.length === 0
  if (!run.ok) {
    run.problems = problems
    run.stderr_tail = stderr.trim().split('\n').slice(-15).join('\n')
  }

  // the figures
  const gib = ctx.post.size / GIB
  if (run.ok) {
    run.mbps = own.mbps
    run.download_s = own.download_s
    run.download_cpu_s_per_gib = own.download_cpu_s_per_gib
    run.download_cpu_user_s = own.download_cpu_user_s
    run.download_cpu_system_s = own.download_cpu_system_s
    if (outside) {
      run.process_cpu_user_s = round(outside.user)
      run.process_cpu_system_s = round(outside.system)
      run.process_cpu_s_per_gib = round((outside.user + outside.system) / gib)
      run.peak_rss_mib = round((outside.maxRssKib ?? own.max_rss_kib) / 1024)
    } else {
      run.process_cpu_user_s = own.process_cpu_user_s
      run.process_cpu_system_s = own.process_cpu_system_s
      run.process_cpu_s_per_gib = round(own.process_cpu_s / gib)
      run.peak_rss_mib = round(own.max_rss_kib / 1024)
    }
    run.launcher_cpu_s_per_gib = run.launcher_cpu_s === null ? null : round(run.launcher_cpu_s / gib)
  }
  return run
}

// ------------------------------------------------------------------ the document's location for GramJS

/**
 * GramJS (layer 198) cannot decode testkit's layer-227 channels.getMessages answer, so the
 * document's id / access_hash / file_reference are looked up first with mtcute as a guest
 * (locate-document.mjs, its own process) and handed to the GramJS process: its figures then hold
 * GramJS's work only.
 */
function documentLocation(configPath, post) {
  return new Promise((res, rej) => {
    execFile(process.execPath, [join(here, 'locate-document.mjs'), '--config', configPath, '--message', String(post.id)],
      { timeout: 120_000 }, (error, stdout, stderr) => {
        const line = stdout.trim()
        if (error || !/^-?\d+:-?\d+:[0-9a-f]*$/.test(line)) {
          rej(new Error(`could not look the document of message ${post.id} up with mtcute: ${error?.message ?? line}\n${stderr}`))
        } else {
          res(line)
        }
      })
  })
}

// ------------------------------------------------------------------ the floor

/** SHA-256 passes over every byte a client must make (see the header). */
function shaPasses(name) {
  return name === 'telefetch' ? 3 : 2
}

/** Runs CryptoFloor (JMH) in its own JVM; resolves to its JSON, or null (with a note) when it cannot. */
function measureFloor(how) {
  const benchJar = process.env.BENCH_JAR ?? join(repoRoot, 'benchmarks', 'target', 'benchmarks.jar')
  if (!existsSync(benchJar)) {
    console.log(`  floor: no benchmarks jar at ${benchJar} (mvn -o -q -pl benchmarks package -DskipTests, or BENCH_JAR): not measured`)
    return Promise.resolve(null)
  }
  return new Promise((res) => {
    execFile('java', ['-cp', benchJar, 'io.telefetch.bench.CryptoFloor', how], { timeout: 600_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop()
      try {
        if (error) throw error
        res(JSON.parse(line))
      } catch (e) {
        console.log(`  floor: not measured (${e.message ?? e}) ${stderr.slice(-500)}`)
        res(null)
      }
    })
  })
}

// ------------------------------------------------------------------ summary

const round = (v) => (v === null || v === undefined || Number.isNaN(v) ? v : Math.round(v * 1000) / 1000)

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
}

function summarize(clients, runs) {
  const rows = []
  for (const name of clients) {
    const mine = runs.filter((r) => r.client === name)
    const good = mine.filter((r) => r.ok)
    const stat = (key) => {
      const values = good.map((r) => r[key]).filter((x) => typeof x === 'number')
      return values.length ? { median: round(median(values)), min: Math.min(...values), max: Math.max(...values), n: values.length } : null
    }
    rows.push({
      client: name,
      runs: mine.length,
      ok: good.length,
      mbps: stat('mbps'),
      download_cpu_s_per_gib: stat('download_cpu_s_per_gib'),
      process_cpu_s_per_gib: stat('process_cpu_s_per_gib'),
      peak_rss_mib: stat('peak_rss_mib'),
      launcher_cpu_s_per_gib: stat('launcher_cpu_s_per_gib'),
      settings: good[0]?.own?.settings ?? mine[0]?.own?.settings ?? null,
    })
  }
  const base = rows.find((r) => r.client === 'telefetch' && r.ok > 0)
  for (const r of rows) {
    const ratio = (key) => (base && r[key] && base[key] && base[key].median ? round(r[key].median / base[key].median) : null)
    r.ratio_to_telefetch = base ? {
      mbps: ratio('mbps'),
      download_cpu_s_per_gib: ratio('download_cpu_s_per_gib'),
      process_cpu_s_per_gib: ratio('process_cpu_s_per_gib'),
      peak_rss_mib: ratio('peak_rss_mib'),
    } : null
  }
  return rows
}

function fmt(stat, digits = 1) {
  if (!stat) return 'FAILED'
  const m = stat.median.toFixed(digits)
  return stat.n > 1 ? `${m} (${stat.min.toFixed(digits)}..${stat.max.toFixed(digits)})` : m
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function printFloor(rows, floor) {
  if (!floor) return
  console.log(`\nfloor (${floor.method}): AES-256-IGE decrypt ${floor.ige_mib_s.toFixed(0)} MiB/s = ` +
    `${floor.ige_s_per_gib.toFixed(2)} s/GiB, SHA-256 ${floor.sha256_mib_s.toFixed(0)} MiB/s = ${floor.sha256_s_per_gib.toFixed(2)} s/GiB`)
  console.log(table(
    ['client', 'floor s/GiB', 'passes', 'CPU s/GiB download', 'ratio to floor'],
    rows.map((r) => {
      const f = floor.ige_s_per_gib + shaPasses(r.client) * floor.sha256_s_per_gib
      const cpu = r.download_cpu_s_per_gib?.median
      r.floor_s_per_gib = round(f)
      r.ratio_to_floor = cpu ? round(cpu / f) : null
      return [r.client, f.toFixed(2), `IGE + ${shaPasses(r.client)} SHA`, cpu ? cpu.toFixed(2) : 'n/a',
        r.ratio_to_floor ? `${r.ratio_to_floor.toFixed(2)}x` : 'n/a']
    })))
}

function printSummary(rows, opts, size) {
  const x = (v) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(2)}x`)
  const spread = opts.repeat > 1 ? ' (median, min..max over runs)' : ''
  console.log(`\n=== ${size} from one launcher, each client in its own process${spread} ===`)
  console.log(table(
    ['client', 'MB/s', 'CPU s/GiB download', 'CPU s/GiB process', 'peak RSS MiB', 'server CPU s/GiB'],
    rows.map((r) => [r.client, fmt(r.mbps), fmt(r.download_cpu_s_per_gib, 2), fmt(r.process_cpu_s_per_gib, 2),
      fmt(r.peak_rss_mib, 0), fmt(r.launcher_cpu_s_per_gib, 2)])))
  if (rows.some((r) => r.ratio_to_telefetch)) {
    console.log('\nratios to telefetch (client / telefetch; MB/s: higher is faster, CPU and RSS: higher costs more)')
    console.log(table(
      ['client', 'MB/s', 'CPU/GiB download', 'CPU/GiB process', 'peak RSS'],
      rows.map((r) => [r.client, x(r.ratio_to_telefetch?.mbps), x(r.ratio_to_telefetch?.download_cpu_s_per_gib),
        x(r.ratio_to_telefetch?.process_cpu_s_per_gib), x(r.ratio_to_telefetch?.peak_rss_mib)])))
  } else {
    console.log('\n(no ratios: telefetch did not run or failed)')
  }
  console.log('\nMB/s: bytes / wall time of the download itself (10^6 bytes/s), as each client timed it.')
  console.log('CPU s/GiB download: the client process\'s user+system CPU during the download (its own measurement).')
  console.log('CPU s/GiB process: the whole process from start to exit (runtime start-up, key exchange, login')
  console.log('  included), measured from outside; peak RSS likewise. server CPU: the launcher during the run.')
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const needsJava = opts.clients.some((c) => c.startsWith('telefetch'))
  const telefetchJar = process.env.TELEFETCH_JAR ?? join(repoRoot, 'examples', 'target', 'telefetch.jar')
  // the launcher script (it runs the telefetch.jar next to it), unless none or absent
  let telefetchLauncher = null
  if (opts.telefetchLauncher === null) {
    const script = join(repoRoot, 'examples', 'target', 'telefetch')
    telefetchLauncher = existsSync(script) ? script : null
  } else if (opts.telefetchLauncher !== 'none') {
    telefetchLauncher = resolve(opts.telefetchLauncher)
    if (needsJava && !existsSync(telefetchLauncher)) fail(`no Telefetch launcher at ${telefetchLauncher}`)
  }
  if (needsJava && !telefetchLauncher && !existsSync(telefetchJar)) {
    fail(`no Telefetch CLI jar at ${telefetchJar}: build it (mvn -o -q -pl examples package -DskipTests) or set TELEFETCH_JAR`)
  }
  const jar = launcherJar()
  const gnuTime = existsSync(GNU_TIME)
  const dir = mkdtempSync(join(tmpdir(), 'telefetch-side-by-side-'))
  const started = new Date()
  console.log(`side-by-side download benchmark, ${started.toISOString()}`)
  console.log(`  ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${loadAverage()}`)
  const telefetchHow = telefetchLauncher
    ? `${telefetchLauncher} (the launcher script${opts.javaOpts.length ? `, TELEFETCH_JAVA_OPTS=${opts.javaOpts.join(' ')}` : ''})`
    : `java ${opts.javaOpts.length ? `${opts.javaOpts.join(' ')} ` : ''}-jar ${telefetchJar}`
  console.log(`  launcher ${jar}${needsJava ? `\n  telefetch ${telefetchHow}` : ''}`)
  console.log(`  clients ${opts.clients.join(', ')}; ${opts.repeat} round(s); login ${opts.login} (GramJS: guest); ` +
    `outside figures from ${gnuTime ? 'GNU time (wait4) + /proc samples' : '/proc samples'}`)

  let floor = null
  if (opts.floor !== 'none') {
    console.log(`  measuring the floor (${opts.floor}), load average ${loadAverage()} ...`)
    floor = await measureFloor(opts.floor)
  }
  const t0 = process.hrtime.bigint()
  const files = ['--file', `${FILE_NAME}:${opts.size}`, ...(opts.warmup ? ['--file', `${WARMUP_FILE_NAME}:${opts.warmup}`] : [])]
  let launcher
  try {
    launcher = await startLauncher([...files, '--guest-access'], { timeoutMs: 600_000 })
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  // Ctrl-C or a kill: stop the client (detached, in its own group) and the launcher before leaving
  for (const [sig, status] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(sig, () => {
      interrupted = true
      console.log(`\n${sig}: stopping the client and the launcher`)
      if (currentClient) {
        try { process.kill(-currentClient.pid, 'SIGKILL') } catch { /* already gone */ }
      }
      launcher.stop().finally(() => {
        rmSync(dir, { recursive: true, force: true })
        process.exit(status)
      })
    })
  }
  const result = { started: started.toISOString(), size: opts.size, warmup: opts.warmup, clients: opts.clients,
    repeat: opts.repeat, login: opts.login, cpus: cpus().length, node: process.version, telefetch_run: telefetchHow,
    warmup_runs: [], runs: [] }
  let allOk = false
  try {
    const { config } = launcher
    const channel = config.channels[0]
    const post = channel.messages.find((m) => m.file_name === FILE_NAME)
    console.log(`  launcher pid ${launcher.pid} ready in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s: ` +
      `${FILE_NAME}, ${post.size} bytes on DC ${post.dc}, sha256 ${post.sha256.slice(0, 16)}...`)
    const configPath = join(dir, 'cluster.json')
    writeFileSync(configPath, JSON.stringify(config))
    const ctx = { opts, dir, configPath, post, telefetchJar, telefetchLauncher, gnuTime, launcherPid: launcher.pid, location: null }
    const warmupPost = opts.warmup ? channel.messages.find((m) => m.file_name === WARMUP_FILE_NAME) : null
    const warmupCtx = warmupPost ? { ...ctx, post: warmupPost } : null
    if (opts.clients.some((c) => c.startsWith('gramjs'))) {
      ctx.location = await documentLocation(configPath, post)
      if (warmupCtx) warmupCtx.location = await documentLocation(configPath, warmupPost)
      console.log('  document location for GramJS looked up with mtcute (GramJS\'s layer 198 cannot decode channels.getMessages)')
    }

    if (warmupCtx) {
      console.log(`\nwarm-up (untimed, not in the figures): each client downloads ${WARMUP_FILE_NAME} (${opts.warmup})`)
      for (const name of opts.clients) {
        const run = await runClient(name, warmupCtx)
        await parkIfInterrupted()
        result.warmup_runs.push(run)
        console.log(`  ${name.padEnd(20)} ${run.ok ? `ok, ${run.mbps.toFixed(1)} MB/s` : `FAILED: ${run.problems.join('; ')}`}`)
      }
    }

    for (let round = 0; round < opts.repeat; round++) {
      const order = opts.clients.map((_, i) => opts.clients[(i + round) % opts.clients.length])
      if (opts.repeat > 1) console.log(`\nround ${round + 1}/${opts.repeat}: ${order.join(', ')}`)
      for (const name of order) {
        process.stdout.write(`  ${name.padEnd(20)} `)
        const run = await runClient(name, ctx)
        await parkIfInterrupted()
        run.round = round + 1
        result.runs.push(run)
        if (run.ok) {
          console.log(`${run.mbps.toFixed(1).padStart(7)} MB/s  CPU ${run.download_cpu_s_per_gib.toFixed(2)} s/GiB download, ` +
            `${run.process_cpu_s_per_gib.toFixed(2)} s/GiB process (user ${run.process_cpu_user_s} s, sys ${run.process_cpu_system_s} s)  ` +
            `peak RSS ${run.peak_rss_mib.toFixed(0)} MiB  server CPU ${run.launcher_cpu_s_per_gib ?? 'n/a'} s/GiB  load ${run.load_after}`)
        } else {
          console.log(`FAILED: ${run.problems.join('; ')}`)
          if (run.stderr_tail) console.log(run.stderr_tail.replace(/^/gm, '      | '))
        }
      }
    }
    result.summary = summarize(opts.clients, result.runs)
    result.load_average_end = loadAverage()
    printSummary(result.summary, opts, `${opts.size} (${post.size} bytes)`)
    printFloor(result.summary, floor)
    result.floor = floor
    console.log(`\nload average at the end: ${result.load_average_end}`)
    allOk = result.runs.every((r) => r.ok)
  } finally {
    const status = await launcher.stop()
    result.launcher_exit_status = status
    rmSync(dir, { recursive: true, force: true })
    if (opts.json) {
      writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n')
      console.log(`JSON written to ${opts.json}`)
    }
  }
  if (!allOk) {
    console.log('\nAT LEAST ONE RUN FAILED (see above): exit status 1')
    process.exit(1)
  }
}

main().catch((e) => {
  console.error(`side-by-side: ${e?.stack ?? e}`)
  process.exit(1)
})
