import type { Finding } from '../rules/rule.js';
import { finding } from '../rules/rule.js';
import { classifyPath, HOME_STARTUP_FILE, SYSTEM_PATH } from './classify-path.js';
import { matchSensitivePath } from './sensitive-paths.js';

/** Paths inside the workspace that run code or hold trust: CI, hooks, git internals, registries. */
const PROTECTED_PROJECT_FILES: readonly { pattern: RegExp; rule: string; risk: 'HIGH' | 'MEDIUM' }[] = [
  { pattern: /(^|\/)\.github\/workflows\//, rule: 'edit-ci-workflow', risk: 'HIGH' },
  {
    pattern:
      /(^|\/)(\.gitlab-ci\.yml|\.circleci\/|azure-pipelines\.ya?ml|Jenkinsfile|\.buildkite\/|\.travis\.yml|bitbucket-pipelines\.yml)/,
    rule: 'edit-ci-workflow',
    risk: 'HIGH',
  },
  { pattern: /(^|\/)\.github\/actions\//, rule: 'edit-ci-workflow', risk: 'HIGH' },
  {
    pattern: /(^|\/)\.git\/hooks(\/|$)|(^|\/)\.husky\/|(^|\/)\.githooks\//,
    rule: 'edit-git-hook',
    risk: 'HIGH',
  },
  {
    pattern: /(^|\/)\.git\/(config|info\/|objects\/info\/alternates)/,
    rule: 'edit-git-config',
    risk: 'HIGH',
  },
  { pattern: /(^|\/)\.git\//, rule: 'edit-git-internals', risk: 'MEDIUM' },
  {
    pattern: /(^|\/)(\.pre-commit-config\.yaml|lefthook\.ya?ml|\.gitmodules|\.gitattributes)$/,
    rule: 'edit-git-hook',
    risk: 'MEDIUM',
  },
  {
    pattern:
      /(^|\/)(\.ssh\/|id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$|[^/]+\.(pem|key|p12|pfx)$|\.netrc$|\.git-credentials$)/,
    rule: 'edit-credential-file',
    risk: 'HIGH',
  },
  {
    pattern: /(^|\/)(\.openhands\/|AGENTS\.md$|\.mcp\.json$|\.claude\/|\.cursor\/|\.handsbot)/,
    rule: 'edit-agent-config',
    risk: 'MEDIUM',
  },
  // Files that run the next time something starts: direnv on `cd`, Python at every interpreter start.
  {
    pattern: /(^|\/)(\.envrc|[^/]+\.pth|sitecustomize\.py|usercustomize\.py)$/,
    rule: 'write-startup-file',
    risk: 'HIGH',
  },
  { pattern: /(^|\/)\.env(\.[\w.-]+)?$/, rule: 'edit-env-file', risk: 'MEDIUM' },
];

/** Package-manager config: it can point installs at another registry or carry a token. */
const REGISTRY_CONFIG =
  /(^|\/)(\.npmrc|\.yarnrc(\.ya?ml)?|\.pnpmrc|bunfig\.toml|\.pypirc|pip\.(conf|ini)|\.condarc|\.cargo\/config(\.toml)?|NuGet\.config|\.m2\/settings\.xml|\.gemrc|\.bundle\/config)$/i;
const REGISTRY_CONTENT =
  /registry|index-url|extra-index|trusted-host|_auth|authtoken|token|password|always-auth|npmAuth|npmRegistryServer|replace-with|source\s*=|\[source/i;

/**
 * How risky it is to write `raw`. `origin` matters outside the workspace: the editor has no business
 * there (HIGH), while a shell redirect to a scratch file is common (MEDIUM unless the target runs code
 * or is a system file). `content` is what would be written, when known.
 */
export function rateWrittenPath(
  raw: string,
  workspaceRoot: string,
  cwd: string,
  origin: 'editor' | 'shell',
  content?: string,
): Finding[] {
  const place = classifyPath(raw, workspaceRoot, cwd);
  const resolved = place.resolved ?? raw;
  const findings: Finding[] = [];
  const sensitive = matchSensitivePath(raw, place.resolved);
  if (sensitive?.rule === 'read-credentials' || sensitive?.rule === 'read-proc-environ') {
    findings.push(finding('edit-credential-file', 'HIGH', raw));
  }
  switch (place.place) {
    case 'unresolved':
      findings.push(finding('write-unresolved-path', origin === 'editor' ? 'UNKNOWN' : 'MEDIUM', raw));
      break;
    case 'root':
    case 'home':
    case 'outside':
      if (SYSTEM_PATH.test(resolved) || place.place === 'root')
        findings.push(finding('write-system-file', 'HIGH', raw));
      else if (HOME_STARTUP_FILE.test(resolved.replace(/^\/(root|home\/[^/]+)(?=\/)/, '~')))
        findings.push(finding('write-startup-file', 'HIGH', raw));
      else
        findings.push(
          finding(
            origin === 'editor' ? 'edit-outside-workspace' : 'write-outside-workspace',
            origin === 'editor' ? 'HIGH' : 'MEDIUM',
            raw,
          ),
        );
      break;
    case 'temp':
      if (origin === 'editor') findings.push(finding('edit-outside-workspace', 'MEDIUM', raw));
      break;
    case 'workspace':
      findings.push(finding('write-workspace-root', 'HIGH', raw));
      break;
    case 'inside':
      break;
  }
  for (const { pattern, rule, risk } of PROTECTED_PROJECT_FILES) {
    if (pattern.test(resolved) || pattern.test(raw)) {
      findings.push(finding(rule, risk, raw));
      break;
    }
  }
  if (REGISTRY_CONFIG.test(resolved)) {
    const redirects = content === undefined || REGISTRY_CONTENT.test(content);
    findings.push(finding('edit-package-registry-config', redirects ? 'HIGH' : 'MEDIUM', raw));
  }
  return findings;
}
