import nock from 'nock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ControlJobData } from '../../../jobs/process-control-job.js';
import { createControlPorts } from '../../../src/github/worker/create-control-ports.js';
import {
  API,
  BOT_LOGIN,
  mockRepoConfig,
  OWNER,
  REPO,
  redact,
  testOctokit,
  useNock,
} from '../support/github-test-kit.js';

const COMMENTS = `/repos/${OWNER}/${REPO}/issues/12/comments`;
const job = (command: ControlJobData['command']): ControlJobData => ({
  type: 'control',
  installationId: 1,
  repository: { id: 42, owner: OWNER, name: REPO },
  sender: { login: 'alice', id: 7 },
  deliveryId: 'd-9',
  triggeredAt: '2026-03-01T12:00:00Z',
  number: 12,
  commentId: 650,
  command,
});
const ports = (installationLabel = 'openhands') =>
  createControlPorts({
    octokitFor: async () => testOctokit(),
    triggerLabel: installationLabel,
    botLogin: BOT_LOGIN,
    redact,
    logger: pino({ level: 'silent' }),
  });
/** The repository, its config, and alice's permission level. */
const permission = (level: string, configYaml?: string) =>
  mockRepoConfig(configYaml)
    .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
    .reply(200, { permission: level, role_name: level, user: { login: 'alice', type: 'User' } });
/** The one reply a control command gets; resolves to its body. */
const capturedReply = () => {
  let body = '';
  nock(API)
    .get(COMMENTS)
    .query(true)
    .reply(200, [])
    .post(COMMENTS, (b: { body: string }) => {
      body = b.body;
      return true;
    })
    .reply(201, { id: 1 });
  return () => body;
};

describe('createControlPorts', () => {
  useNock();

  it('authorize: maintain may control a run, triage may not', async () => {
    permission('maintain');
    expect(await ports().authorize(job({ kind: 'stop' }))).toBe(true);
    permission('triage');
    expect(await ports().authorize(job({ kind: 'stop' }))).toBe(false);
  });

  it('authorize: a repository that lets only admins trigger lets only admins stop or approve', async () => {
    permission('maintain', 'triggerPermissions: [admin]\n');
    expect(await ports().authorize(job({ kind: 'approve' }))).toBe(false);
    permission('admin', 'triggerPermissions: [admin]\n');
    expect(await ports().authorize(job({ kind: 'approve' }))).toBe(true);
  });

  it('acknowledge help: the command list, posted once even when the job is retried', async () => {
    mockRepoConfig();
    const reply = capturedReply();
    await ports().acknowledge(job({ kind: 'help' }), { kind: 'help' });
    const body = reply();
    expect(body).toContain('<!-- handsbot:control=650 -->');
    expect(body).toContain('`/agent stop`');
    expect(body).toContain('`openhands`');
    mockRepoConfig();
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [{ id: 1, user: { login: 'handsbot[bot]', type: 'Bot' }, body }]);
    await ports().acknowledge(job({ kind: 'help' }), { kind: 'help' });
  });

  it('help on a repository without .github/openhands.yml names the installation’s label', async () => {
    mockRepoConfig();
    const reply = capturedReply();
    await ports('ai-fix').acknowledge(job({ kind: 'help' }), { kind: 'help' });
    expect(reply()).toContain('Add the label `ai-fix` to an issue');
    expect(reply()).toContain('write, maintain or admin permission');
  });

  it('help names the label and permission levels the repository’s own .github/openhands.yml sets', async () => {
    mockRepoConfig('triggerLabel: fix-me\ntriggerPermissions: [maintain, admin]\n');
    const reply = capturedReply();
    await ports('ai-fix').acknowledge(job({ kind: 'help' }), { kind: 'help' });
    expect(reply()).toContain('Add the label `fix-me` to an issue');
    expect(reply()).not.toContain('ai-fix');
    expect(reply()).toContain('(for people with maintain or admin permission');
    expect(reply()).not.toContain('not valid');
  });

  it('help on a repository whose .github/openhands.yml is invalid still answers, with the label the file names and a warning', async () => {
    mockRepoConfig('triggerLabel: fix-me\nmaxIteration: 5\n');
    const reply = capturedReply();
    await ports('ai-fix').acknowledge(job({ kind: 'help' }), { kind: 'help' });
    expect(reply()).toContain('`/agent stop`');
    // The label the run job answers with the config problems there; `ai-fix` it ignores.
    expect(reply()).toContain('Add the label `fix-me` to an issue');
    expect(reply()).not.toContain('ai-fix');
    expect(reply()).toContain(
      '`.github/openhands.yml` on the default branch is not valid, so nothing starts here',
    );
  });

  it('help on an invalid .github/openhands.yml that names no usable label names the installation’s', async () => {
    mockRepoConfig('triggerLabel: " spaced "\n');
    const reply = capturedReply();
    await ports('ai-fix').acknowledge(job({ kind: 'help' }), { kind: 'help' });
    expect(reply()).toContain('Add the label `ai-fix` to an issue');
    expect(reply()).toContain('is not valid');
  });

  it('acknowledge stop and denial: a short reply each', async () => {
    const bodies: string[] = [];
    nock(API)
      .get(COMMENTS)
      .query(true)
      .times(2)
      .reply(200, [])
      .post(COMMENTS, (b: { body: string }) => bodies.push(b.body) > 0)
      .times(2)
      .reply(201, { id: 2 });
    await ports().acknowledge(job({ kind: 'stop' }), { kind: 'stop_requested', runJobId: 'run-42-12-x' });
    await ports().acknowledge(job({ kind: 'stop' }), { kind: 'denied' });
    expect(bodies[0]).toContain('@alice asked to stop run `run-42-12-x`');
    expect(bodies[1]).toContain('@alice only people with write, maintain or admin permission');
  });
});
