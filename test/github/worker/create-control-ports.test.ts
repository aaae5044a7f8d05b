import nock from 'nock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ControlJobData } from '../../../jobs/process-control-job.js';
import { createControlPorts } from '../../../src/github/worker/create-control-ports.js';
import { API, OWNER, REPO, redact, testOctokit, useNock } from '../support/github-test-kit.js';

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
const ports = () =>
  createControlPorts({
    octokitFor: async () => testOctokit(),
    triggerLabel: 'openhands',
    redact,
    logger: pino({ level: 'silent' }),
  });
/** The repository (no .github/openhands.yml) and alice's permission level. */
const permission = (level: string, configYaml?: string) =>
  nock(API)
    .get(`/repos/${OWNER}/${REPO}`)
    .reply(200, { default_branch: 'main' })
    .get(`/repos/${OWNER}/${REPO}/contents/.github%2Fopenhands.yml`)
    .query({ ref: 'main' })
    .reply(
      configYaml ? 200 : 404,
      configYaml
        ? {
            type: 'file',
            encoding: 'base64',
            size: configYaml.length,
            content: Buffer.from(configYaml).toString('base64'),
          }
        : { message: 'Not Found' },
    )
    .get(`/repos/${OWNER}/${REPO}/collaborators/alice/permission`)
    .reply(200, { permission: level, role_name: level, user: { login: 'alice', type: 'User' } });

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
    await ports().acknowledge(job({ kind: 'help' }), { kind: 'help' });
    expect(body).toContain('<!-- handsbot:control=650 -->');
    expect(body).toContain('`/agent stop`');
    expect(body).toContain('`openhands`');
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [{ id: 1, user: { login: 'handsbot[bot]', type: 'Bot' }, body }]);
    await ports().acknowledge(job({ kind: 'help' }), { kind: 'help' });
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
