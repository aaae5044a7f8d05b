import { describe, expect, it } from 'vitest';
import {
  buildContainerConfig,
  DEFAULT_SANDBOX_LIMITS,
  LABELS,
  resolveSandboxLimits,
} from '../../../src/workspace/docker/index.js';

const input = {
  image: 'handsbot-sandbox:test',
  name: 'handsbot-run-1-abc123',
  runId: 'run-1',
  labels: { repository: 'octo/repo', worker: 'worker-a', extra: { 'handsbot.delivery': 'd-1' } },
  hostCheckoutDir: '/var/lib/handsbot/checkouts/run-1',
  root: '/workspace/repo',
  user: '10001:10001',
  env: { PATH: '/usr/bin:/bin', HOME: '/home/agent' },
  limits: resolveSandboxLimits({ memoryBytes: 512 * 1024 * 1024, cpus: 1.5, pids: 100 }),
  network: 'none',
  deadline: 1_800_000_000_000,
};

describe('the container of a run', () => {
  it('is confined: no capabilities, no privilege gain, read-only root, memory without swap, caps on CPU and pids', () => {
    const host = buildContainerConfig(input).HostConfig;
    expect(host).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Memory: 512 * 1024 * 1024,
      MemorySwap: 512 * 1024 * 1024,
      NanoCpus: 1_500_000_000,
      PidsLimit: 100,
      NetworkMode: 'none',
      Init: true,
      Mounts: [{ Type: 'bind', Source: input.hostCheckoutDir, Target: '/workspace/repo', ReadOnly: false }],
    });
    expect(host?.Privileged).toBeUndefined();
    expect(host?.CapAdd).toBeUndefined();
    expect(host?.Tmpfs?.['/tmp']).toContain(`size=${DEFAULT_SANDBOX_LIMITS.tmpBytes}`);
    expect(host?.Tmpfs?.['/home/agent']).toContain('uid=10001,gid=10001');
  });

  it('runs as the given unprivileged user with exactly the given environment, labelled for the reaper', () => {
    const config = buildContainerConfig(input);
    expect(config.User).toBe('10001:10001');
    expect(config.Env).toEqual(['PATH=/usr/bin:/bin', 'HOME=/home/agent']);
    expect(config.Labels).toEqual({
      'handsbot.delivery': 'd-1',
      [LABELS.sandbox]: 'true',
      [LABELS.runId]: 'run-1',
      [LABELS.repository]: 'octo/repo',
      [LABELS.worker]: 'worker-a',
      [LABELS.checkout]: input.hostCheckoutDir,
      [LABELS.deadline]: '1800000000000',
    });
    // PID 1 sleeps until the absolute deadline, so the container stops then even without its worker.
    expect(config.Cmd?.at(-1)).toBe('1800000000000');
  });

  it('takes another network only when told', () => {
    const config = buildContainerConfig({ ...input, network: 'handsbot-egress-1' });
    expect(config.HostConfig?.NetworkMode).toBe('handsbot-egress-1');
    expect(config.NetworkDisabled).toBe(false);
  });

  it("closes DNS unless told to use the engine's resolver", () => {
    const closed = buildContainerConfig({ ...input, network: 'handsbot-allowlist-1' }).HostConfig;
    expect(closed?.Dns).toEqual(['127.0.0.1']);
    expect(closed?.DnsOptions).toEqual(['timeout:1', 'attempts:1']);
    const engine = buildContainerConfig({ ...input, network: 'handsbot-open-1', dns: 'engine' }).HostConfig;
    expect(engine?.Dns).toBeUndefined();
    expect(engine?.DnsOptions).toBeUndefined();
  });
});

describe('sandbox limits', () => {
  it('fill in safe defaults and refuse unbounded or nonsensical values', () => {
    expect(resolveSandboxLimits({})).toEqual(DEFAULT_SANDBOX_LIMITS);
    expect(resolveSandboxLimits({ pids: 64 }).pids).toBe(64);
    expect(() => resolveSandboxLimits({ memoryBytes: 0 })).toThrow(RangeError);
    expect(() => resolveSandboxLimits({ pids: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => resolveSandboxLimits({ cpus: -1 })).toThrow(RangeError);
    expect(() => resolveSandboxLimits({ memoryBytes: 1024 })).toThrow(/32 MiB/);
  });
});
