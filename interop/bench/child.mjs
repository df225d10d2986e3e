// What the benchmark's Node client processes (client-mtcute.mjs, client-gramjs.mjs) share: their
// command line, CPU and memory figures of this process, and the one line of JSON each prints.
//
// Command line of a client:  node client-X.mjs --config cluster.json [--message ID] [--guest]
//   --config   the launcher's JSON (--config-out)
//   --message  the post of @telefetch_demo to download (default: the first one)
//   --guest    do not log in (the launcher must run with --guest-access)
// Output: exactly one line of JSON on stdout (see emit()); diagnostics go to stderr.
// Exit status: 0 when the SHA-256 of the downloaded bytes matches the JSON, 1 otherwise, 2 on a usage error.
import { readFileSync } from 'node:fs'

export function parseClientArgs(argv = process.argv.slice(2)) {
  const opts = { config: null, message: null, guest: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--guest') opts.guest = true
    else if (a === '--config') opts.config = argv[++i]
    else if (a === '--message') opts.message = Number(argv[++i])
    else usage(`unknown option ${a}`)
  }
  if (!opts.config) usage('--config is required')
  if (opts.message !== null && !Number.isInteger(opts.message)) usage('--message takes a message id')
  let config
  try {
    config = JSON.parse(readFileSync(opts.config, 'utf8'))
  } catch (e) {
    usage(`cannot read ${opts.config}: ${e.message}`)
  }
  const channel = config.channels?.[0]
  const post = opts.message === null ? channel?.messages?.[0] : channel?.messages?.find((m) => m.id === opts.message)
  if (!post) usage(`the JSON lists no post ${opts.message ?? ''} in its first channel`)
  return { ...opts, config, channel, post }
}

function usage(message) {
  process.stderr.write(`${process.argv[1]}: ${message}\n` +
    'usage: node client-X.mjs --config cluster.json [--message ID] [--guest]\n')
  process.exit(2)
}

/** This process's CPU seconds so far, from process.resourceUsage() (getrusage(RUSAGE_SELF)). */
export function cpuNow() {
  const u = process.resourceUsage()
  return { user: u.userCPUTime / 1e6, system: u.systemCPUTime / 1e6 }
}

/** VmHWM (the resident set's high-water mark) in KiB from /proc/self/status, or -1. */
export function vmHwmKib() {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    return m ? Number(m[1]) : -1
  } catch {
    return -1
  }
}

const round = (v) => Math.round(v * 1000) / 1000

/**
 * Times `download()` (which resolves to {bytes, sha256}) and builds the result line: the download's
 * wall time and MB/s, this process's CPU during the download (user, system) and overall, and its
 * peak RSS. `setup()` (connect, log in, find the message) runs first and is not part of the figures.
 */
export async function measure(name, args, settings, setup, download) {
  const result = {
    client: name,
    message: args.post.id,
    file_name: args.post.file_name,
    size: args.post.size,
    expected_sha256: args.post.sha256,
    login: args.guest ? 'guest' : 'bot',
    settings,
  }
  let ok = false
  try {
    const s0 = process.hrtime.bigint()
    const ctx = await setup()
    result.setup_s = round(Number(process.hrtime.bigint() - s0) / 1e9)
    const cpu0 = cpuNow()
    const d0 = process.hrtime.bigint()
    const { bytes, sha256 } = await download(ctx)
    const wall = Number(process.hrtime.bigint() - d0) / 1e9
    const cpu1 = cpuNow()
    result.bytes = bytes
    result.sha256 = sha256
    result.download_s = round(wall)
    result.mbps = round(bytes / 1e6 / wall)
    result.download_cpu_user_s = round(cpu1.user - cpu0.user)
    result.download_cpu_system_s = round(cpu1.system - cpu0.system)
    const cpu = cpu1.user - cpu0.user + cpu1.system - cpu0.system
    result.download_cpu_s = round(cpu)
    result.download_cpu_s_per_gib = round(cpu / (bytes / 2 ** 30))
    ok = bytes === args.post.size && sha256 === args.post.sha256
    if (!ok) {
      result.error = bytes !== args.post.size ? `downloaded ${bytes} bytes, expected ${args.post.size}` : 'SHA-256 mismatch'
    }
    if (ctx?.close) await ctx.close()
  } catch (e) {
    result.error = String(e?.message ?? e)
    process.stderr.write(`${name}: ${e?.stack ?? e}\n`)
  }
  const end = cpuNow()
  const usage = process.resourceUsage()
  result.ok = ok
  result.process_cpu_user_s = round(end.user)
  result.process_cpu_system_s = round(end.system)
  result.process_cpu_s = round(end.user + end.system)
  // getrusage's ru_maxrss (KiB on Linux); VmHWM says the same from /proc
  result.max_rss_kib = usage.maxRSS
  result.vm_hwm_kib = vmHwmKib()
  result.process_wall_s = round(process.uptime())
  emit(result)
  // a client may leave sockets or timers behind: the figures are out, leave now
  process.exit(ok ? 0 : 1)
}

/** Prints the result as one line of JSON on stdout. */
export function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n')
}
