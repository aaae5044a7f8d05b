/**
 * Workspace-ready bench (issue 3): how long until a run has its checkout (and, when Docker and the
 * sandbox image are here, a started container that ran the setup script), for a repository of ~5,000
 * files and ~50 MB of packed history served over smart HTTP on 127.0.0.1.
 *
 * Side by side in one run, interleaved per repetition:
 * - baseline: a plain `git clone` over HTTP (what a worker without a cache does);
 * - cold: MirrorCache.provision with an empty cache (mirror created, then the checkout);
 * - warm: MirrorCache.provision after one new commit upstream (fetch of that commit, then checkout);
 * - warm-spare: the same with `spareCheckouts` (the checkout is a spare made after the previous run).
 * - warm-bounded, warm-spare-bounded: warm and warm-spare with each checkout a filesystem of its own
 *   (a sparse ext4 image of HANDSBOT_DISK_LIMIT_MB's default, loop-mounted; src/workspace/disk): the
 *   cost of the disk bound. Skipped, saying why, where loop mounts do not work (not root…).
 * Target: warm at most one fifth of the baseline. Run: `npx tsx bench/workspace-ready.bench.ts`.
 * The generated repository is cached under /tmp between runs.
 */
import { execFile, spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type CheckoutDisks,
  DIRECTORY_DISKS,
  detectDiskBound,
  FILESYSTEM_DISKS,
  reapCheckoutDisks,
} from '../src/workspace/disk/index.js';
import { MirrorCache } from '../src/workspace/git/mirror-cache.js';
import { authorizationHeader } from '../src/workspace/git/run-git.js';
import { readRepoInstructions } from '../src/workspace/repo-instructions/read-repo-instructions.js';
import { startGitHttpServer } from '../test/support/git-http-server.js';
import { max, median, percentile, round } from './support/stats.js';

const run = promisify(execFile);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const TOKEN = 'ghs_benchbenchbenchbenchbenchbench0000';
const TARGET_RATIO = 0.2;
const here = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(here, 'results', 'workspace-ready.json');
const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

const METHODS = ['baseline', 'cold', 'warm', 'warm-spare', 'warm-bounded', 'warm-spare-bounded'] as const;
type Method = (typeof METHODS)[number];
const BOUNDED: readonly Method[] = ['warm-bounded', 'warm-spare-bounded'];
/** HANDSBOT_DISK_LIMIT_MB's default: the size of each bounded checkout's filesystem. */
const DISK_LIMIT_BYTES = 10_240 * 1024 * 1024;
interface Sample {
  checkoutMs: number;
  containerMs: number | null;
  totalMs: number;
  detail?: Record<string, number>;
}

async function main(): Promise<void> {
  const repo = await generateBenchRepo();
  console.log(
    `repository: ${repo.files} files, ${repo.commits} commits, ${(repo.packBytes / 1e6).toFixed(1)} MB packed` +
      (repo.generatedMs === null ? ' (cached)' : ` (generated in ${(repo.generatedMs / 1000).toFixed(1)} s)`),
  );
  const container = await findContainer();
  console.log(
    container.image === null
      ? `container start: skipped (${container.reason})`
      : `container: ${container.image}`,
  );

  const server = await startGitHttpServer({ root: repo.serverRoot, token: TOKEN });
  const url = server.repoUrl('bench', 'big');
  const scratch = await mkdtemp(path.join(tmpdir(), 'handsbot-bench-ready-'));
  const warmCache = new MirrorCache({ cacheDir: path.join(scratch, 'warm-cache'), maxBytes: 1e12 });
  const spareCache = new MirrorCache({
    cacheDir: path.join(scratch, 'spare-cache'),
    maxBytes: 1e12,
    spareCheckouts: true,
  });
  const bound = await detectDiskBound(path.join(scratch, 'probe'));
  console.log(
    bound.mode === 'filesystem'
      ? `bounded checkouts: ext4 images of ${DISK_LIMIT_BYTES / 2 ** 30} GiB, loop-mounted`
      : `bounded checkouts: skipped (${bound.reason})`,
  );
  const bounded = (spareCheckouts: boolean) =>
    new MirrorCache({
      cacheDir: path.join(scratch, spareCheckouts ? 'spare-bounded-cache' : 'warm-bounded-cache'),
      maxBytes: 1e12,
      spareCheckouts,
      checkouts: { disks: FILESYSTEM_DISKS, bytes: DISK_LIMIT_BYTES },
    });
  const boundedCache = bounded(false);
  const spareBoundedCache = bounded(true);
  const samples: Record<Method, Sample[]> = {
    baseline: [],
    cold: [],
    warm: [],
    'warm-spare': [],
    'warm-bounded': [],
    'warm-spare-bounded': [],
  };
  let runIndex = 0;
  const dest = () => path.join(scratch, 'runs', `run-${runIndex++}`);

  const methods: Record<Method, () => Promise<Sample>> = {
    async baseline() {
      const dir = dest();
      const started = performance.now();
      await run(
        'git',
        ['-c', `http.extraHeader=${authorizationHeader(TOKEN)}`, 'clone', '--quiet', url, dir],
        {
          env: GIT_ENV,
        },
      );
      const checkoutMs = performance.now() - started;
      const containerMs = await startContainer(container.image, dir);
      await rm(dir, { recursive: true, force: true });
      return { checkoutMs, containerMs, totalMs: checkoutMs + (containerMs ?? 0) };
    },
    async cold() {
      const cache = new MirrorCache({ cacheDir: path.join(scratch, `cold-${runIndex}`), maxBytes: 1e12 });
      const sample = await provisionSample(cache, url, dest(), container.image);
      await rm(path.join(scratch, `cold-${runIndex - 1}`), { recursive: true, force: true });
      return sample;
    },
    async warm() {
      await pushOneCommit(repo, runIndex); // upstream moves on between runs; not timed
      return provisionSample(warmCache, url, dest(), container.image);
    },
    async 'warm-spare'() {
      await pushOneCommit(repo, runIndex);
      const sample = await provisionSample(spareCache, url, dest(), container.image);
      // The next spare is made in the background after a run; a real run takes minutes, so it is
      // ready before the next one. Wait for it here, untimed, so it does not compete with the others.
      const errors = await spareCache.idle();
      if (errors.length > 0) throw new Error(errors.join('; '));
      return sample;
    },
    async 'warm-bounded'() {
      await pushOneCommit(repo, runIndex);
      return provisionSample(boundedCache, url, dest(), container.image, FILESYSTEM_DISKS);
    },
    async 'warm-spare-bounded'() {
      await pushOneCommit(repo, runIndex);
      const sample = await provisionSample(spareBoundedCache, url, dest(), container.image, FILESYSTEM_DISKS);
      const errors = await spareBoundedCache.idle();
      if (errors.length > 0) throw new Error(errors.join('; '));
      return sample;
    },
  };
  const skipped = (method: Method) => bound.mode !== 'filesystem' && BOUNDED.includes(method);

  // Warm-up: fills the page cache for the served repository and creates the warm mirror.
  await methods.baseline();
  await provisionSample(warmCache, url, dest(), null);
  await provisionSample(spareCache, url, dest(), null);
  await spareCache.idle();
  if (bound.mode === 'filesystem') {
    await provisionSample(boundedCache, url, dest(), null, FILESYSTEM_DISKS);
    await provisionSample(spareBoundedCache, url, dest(), null, FILESYSTEM_DISKS);
    await spareBoundedCache.idle();
  }
  let volume: { createMs: number; removeMs: number } | null = null;
  try {
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      for (const method of METHODS) {
        if (skipped(method)) continue;
        const sample = await methods[method]();
        samples[method].push(sample);
        console.log(`  rep ${rep} ${method.padEnd(10)} ${sample.totalMs.toFixed(0).padStart(6)} ms`);
      }
    }
    if (bound.mode === 'filesystem') volume = await measureVolume(path.join(scratch, 'volumes'));
  } finally {
    await server.close();
    // A checkout left mounted by a failed sample goes with its loop device, not only its files.
    for (const dir of ['runs', 'volumes']) {
      await reapCheckoutDisks({ checkoutsDir: path.join(scratch, dir), isRunLive: () => false, graceMs: 0 });
    }
    // Spares of the bounded caches are unmounted images: plain files, removed with the rest.
    await rm(scratch, { recursive: true, force: true });
  }
  await report(repo, container, samples, bound.reason ?? null, volume);
}

const signed = (ms: number | null) => (ms === null ? '—' : ms >= 0 ? `+${ms}` : `−${-ms}`);

/** The bound's own cost, apart from git: an empty checkout filesystem made and mounted, then removed. */
async function measureVolume(dir: string): Promise<{ createMs: number; removeMs: number }> {
  const create: number[] = [];
  const remove: number[] = [];
  for (let i = 0; i < 20; i++) {
    const checkout = path.join(dir, `volume-${i}`);
    const started = performance.now();
    await FILESYSTEM_DISKS.create(checkout, DISK_LIMIT_BYTES);
    create.push(performance.now() - started);
    const removing = performance.now();
    await FILESYSTEM_DISKS.remove(checkout);
    remove.push(performance.now() - removing);
  }
  return { createMs: round(median(create), 1), removeMs: round(median(remove), 1) };
}

async function provisionSample(
  cache: MirrorCache,
  url: string,
  dir: string,
  image: string | null,
  disks: CheckoutDisks = DIRECTORY_DISKS,
): Promise<Sample> {
  const started = performance.now();
  const result = await cache.provision({ url, ref: 'main', dest: dir, token: TOKEN });
  // The setup script and instructions come from the mirror at the base commit, as in a real run.
  const instructions = await cache.withMirror({ url, ref: result.commit }, ({ gitDir, commit }) =>
    readRepoInstructions({ gitDir, commit }),
  );
  const checkoutMs = performance.now() - started;
  if (instructions.setupScript === null) throw new Error('the bench repository lost its setup script');
  const containerMs = await startContainer(image, dir);
  await disks.remove(dir);
  return {
    checkoutMs,
    containerMs,
    totalMs: checkoutMs + (containerMs ?? 0),
    detail: { mirrorMs: result.timings.mirrorMs, checkoutMs: result.timings.checkoutMs },
  };
}

/** Container start plus the setup script, with the checkout mounted as the DockerWorkspace does. */
async function startContainer(image: string | null, dir: string): Promise<number | null> {
  if (image === null) return null;
  const started = performance.now();
  await run('docker', [
    'run',
    '--rm',
    '--network',
    'none',
    '-v',
    `${dir}:/workspace/big`,
    '-w',
    '/workspace/big',
    image,
    'sh',
    '.openhands/setup.sh',
  ]);
  return performance.now() - started;
}

async function findContainer(): Promise<{ image: string | null; reason: string }> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
  } catch {
    return { image: null, reason: 'Docker is not running' };
  }
  const { stdout } = await run('docker', [
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    'handsbot-sandbox',
  ]);
  const image = stdout
    .split('\n')
    .find((line) => line.startsWith('handsbot-sandbox:') && !line.endsWith(':<none>'));
  return image === undefined
    ? { image: null, reason: 'no handsbot-sandbox image (sandbox/build-image.sh builds one)' }
    : { image, reason: '' };
}

function report(
  repo: BenchRepo,
  container: { image: string | null; reason: string },
  samples: Record<Method, Sample[]>,
  boundSkippedBecause: string | null,
  volume: { createMs: number; removeMs: number } | null,
) {
  const summary = (list: Sample[], pick: (s: Sample) => number | null) => {
    const values = list.map(pick).filter((v): v is number => v !== null);
    return values.length === 0
      ? null
      : {
          medianMs: round(median(values), 1),
          minMs: round(percentile(values, 0), 1),
          maxMs: round(max(values), 1),
        };
  };
  const rows = METHODS.map((method) => ({
    method,
    total: summary(samples[method], (s) => s.totalMs),
    checkout: summary(samples[method], (s) => s.checkoutMs),
    container: summary(samples[method], (s) => s.containerMs),
  }));
  const baseline = rows[0]?.total?.medianMs ?? Number.NaN;
  console.log('\nworkspace ready (median of %d; ratio = median / baseline median)', REPETITIONS);
  console.log('method       total ms   checkout ms   container ms   min–max total ms   ratio');
  for (const row of rows) {
    const ratio = (row.total?.medianMs ?? Number.NaN) / baseline;
    console.log(
      `${row.method.padEnd(12)} ${String(row.total?.medianMs).padStart(8)}   ${String(row.checkout?.medianMs).padStart(11)}   ${String(row.container?.medianMs ?? '—').padStart(12)}   ${`${row.total?.minMs}–${row.total?.maxMs}`.padStart(17)}   ${ratio.toFixed(3)}`,
    );
  }
  const warmRatio = (rows[2]?.total?.medianMs ?? Number.NaN) / baseline;
  const spareRatio = (rows[3]?.total?.medianMs ?? Number.NaN) / baseline;
  const verdict = (ratio: number) => (ratio <= TARGET_RATIO ? 'met' : 'NOT met');
  console.log(
    `\nwarm / baseline = ${warmRatio.toFixed(3)} (target ≤ ${TARGET_RATIO}: ${verdict(warmRatio)})`,
  );
  console.log(`warm with a spare checkout / baseline = ${spareRatio.toFixed(3)} (${verdict(spareRatio)})`);
  const boundCost = (bounded: Method, plain: Method) => {
    const b = rows.find((r) => r.method === bounded)?.total?.medianMs;
    const p = rows.find((r) => r.method === plain)?.total?.medianMs;
    return b === undefined || p === undefined ? null : round(b - p, 1);
  };
  const diskBound = {
    limitBytes: DISK_LIMIT_BYTES,
    ...(boundSkippedBecause === null ? {} : { skippedBecause: boundSkippedBecause }),
    warmCostMs: boundCost('warm-bounded', 'warm'),
    warmSpareCostMs: boundCost('warm-spare-bounded', 'warm-spare'),
    /** Median of 20: format a sparse image of the limit and mount it; unmount and delete it. */
    emptyFilesystem: volume,
  };
  console.log(
    boundSkippedBecause === null
      ? `disk bound (checkout on its own ext4), bounded minus unbounded median: ${signed(diskBound.warmCostMs)} ms warm, ${signed(diskBound.warmSpareCostMs)} ms warm with a spare; an empty one alone: ${volume?.createMs} ms to make and mount, ${volume?.removeMs} ms to remove`
      : `disk bound: not measured (${boundSkippedBecause})`,
  );
  const result = {
    bench: 'workspace-ready',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    repository: { files: repo.files, commits: repo.commits, packBytes: repo.packBytes },
    repetitions: REPETITIONS,
    container:
      container.image === null
        ? { included: false, skippedBecause: container.reason }
        : {
            included: true,
            image: container.image,
            what: 'docker run --rm --network none -v checkout sh .openhands/setup.sh',
          },
    methods: Object.fromEntries(rows.map((row) => [row.method, row])),
    diskBound,
    samples,
    ratios: {
      coldToBaseline: round((rows[1]?.total?.medianMs ?? Number.NaN) / baseline),
      warmToBaseline: round(warmRatio),
      warmSpareToBaseline: round(spareRatio),
      warmCheckoutToBaselineCheckout: round(
        (rows[2]?.checkout?.medianMs ?? Number.NaN) / (rows[0]?.checkout?.medianMs ?? Number.NaN),
      ),
    },
    target: {
      warmToBaselineAtMost: TARGET_RATIO,
      metByWarm: warmRatio <= TARGET_RATIO,
      metByWarmSpare: spareRatio <= TARGET_RATIO,
    },
    notes: [
      'checkouts, mirrors and the baseline clone all write to the same filesystem (under the OS temp dir)',
      'warm-spare waits (untimed) for the background spare after each run, as a run lasting minutes would',
      'checkout ms for cold and warm includes reading AGENTS.md and .openhands/setup.sh from the mirror',
      'the *-bounded methods make (or, with a spare, rename and mount) a sparse ext4 image per checkout; removing it is untimed',
    ],
  };
  return mkdir(path.dirname(resultsFile), { recursive: true }).then(() =>
    writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`),
  );
}

// ---- The generated repository -------------------------------------------------------------------

const SPEC = {
  version: 1,
  directories: 100,
  filesPerDirectory: 50,
  historyCommits: 230,
  filesPerCommit: 100,
};
const CACHE_ROOT = path.join(tmpdir(), `handsbot-bench-workspace-ready-v${SPEC.version}`);
const BASE_TIME = 1_700_000_000;

interface BenchRepo {
  serverRoot: string;
  bare: string;
  files: number;
  commits: number;
  packBytes: number;
  generatedMs: number | null;
}

/**
 * Deterministic content, fast: AES-128-CTR over zeros with a fixed key is a seeded stream of
 * incompressible bytes at GB/s, base64-encoded into text lines (which zlib packs to about 3/4).
 */
function contentStream(seed: number): (bytes: number) => string {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(seed, 0);
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), iv);
  return (bytes) => {
    const text = cipher.update(Buffer.alloc(bytes)).toString('base64');
    return `${text.replace(/.{76}/g, '$&\n')}\n`;
  };
}

const fileName = (i: number) =>
  `src/module-${String(Math.floor(i / SPEC.filesPerDirectory)).padStart(2, '0')}/file-${String(i).padStart(4, '0')}.txt`;
const fileBytes = (i: number, version: number) => 600 + ((i * 37 + version * 101) % 2_400);

/** Feeds `git fast-import` a commit per call, respecting backpressure. */
function fastImport(bare: string) {
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: bare,
    env: GIT_ENV,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const closed = new Promise<void>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))),
  );
  const write = async (chunk: string) => {
    if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve));
  };
  return {
    async commit(n: number, parent: string | null, files: [string, string][]) {
      const message = `change ${n}\n`;
      let out = `commit refs/heads/main\ncommitter Bench <bench@example.invalid> ${BASE_TIME + n} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
      if (parent !== null) out += `from ${parent}\n`;
      for (const [file, text] of files)
        out += `M 100644 inline ${file}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
      await write(out);
    },
    async done() {
      await write('done\n');
      child.stdin.end();
      await closed;
    },
  };
}

async function generateBenchRepo(): Promise<BenchRepo> {
  const serverRoot = path.join(CACHE_ROOT, 'server');
  const bare = path.join(serverRoot, 'bench', 'big.git');
  const marker = path.join(CACHE_ROOT, 'ready.json');
  const files = SPEC.directories * SPEC.filesPerDirectory + 2;
  const cached = await readFile(marker, 'utf8').then(
    (text) => JSON.parse(text) as { tip: string; packBytes: number },
    () => null,
  );
  if (cached !== null) {
    // Earlier bench runs pushed commits on top: every run starts from the same generated tip.
    await run('git', ['update-ref', 'refs/heads/main', cached.tip], { cwd: bare, env: GIT_ENV });
    return {
      serverRoot,
      bare,
      files,
      commits: SPEC.historyCommits + 1,
      packBytes: cached.packBytes,
      generatedMs: null,
    };
  }
  const started = performance.now();
  await rm(CACHE_ROOT, { recursive: true, force: true });
  await mkdir(bare, { recursive: true });
  await run('git', ['init', '--bare', '--quiet', '--initial-branch=main', bare], { env: GIT_ENV });
  const importer = fastImport(bare);
  const next = contentStream(1);
  const initial: [string, string][] = [
    ['AGENTS.md', 'Run the tests before finishing.\n'],
    ['.openhands/setup.sh', '#!/bin/sh\necho setup done\n'],
  ];
  const total = SPEC.directories * SPEC.filesPerDirectory;
  for (let i = 0; i < total; i++) initial.push([fileName(i), next(fileBytes(i, 0))]);
  await importer.commit(0, null, initial);
  for (let n = 1; n <= SPEC.historyCommits; n++) {
    const changed: [string, string][] = [];
    for (let k = 0; k < SPEC.filesPerCommit; k++) {
      const i = (n * 7_919 + k * 104_729) % total;
      changed.push([fileName(i), next(fileBytes(i, n))]);
    }
    await importer.commit(n, null, changed); // no `from`: fast-import continues the branch it is building
  }
  await importer.done();
  // Served like GitHub serves: one pack with a reachability bitmap.
  await run('git', ['repack', '-a', '-d', '-q', '--write-bitmap-index'], { cwd: bare, env: GIT_ENV });
  const tip = (await run('git', ['rev-parse', 'refs/heads/main'], { cwd: bare, env: GIT_ENV })).stdout.trim();
  const packBytes = await directoryBytes(path.join(bare, 'objects', 'pack'));
  await writeFile(marker, JSON.stringify({ tip, packBytes }));
  return {
    serverRoot,
    bare,
    files,
    commits: SPEC.historyCommits + 1,
    packBytes,
    generatedMs: performance.now() - started,
  };
}

/** One small upstream change (three files), as between two runs on a busy repository. */
async function pushOneCommit(repo: BenchRepo, n: number): Promise<void> {
  const tip = (
    await run('git', ['rev-parse', 'refs/heads/main'], { cwd: repo.bare, env: GIT_ENV })
  ).stdout.trim();
  const importer = fastImport(repo.bare);
  const next = contentStream(1_000 + n);
  await importer.commit(
    10_000 + n,
    tip,
    [0, 1, 2].map((k) => [fileName(n * 3 + k), next(1_500)]),
  );
  await importer.done();
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir)) total += (await stat(path.join(dir, entry))).size;
  return total;
}

await main();
