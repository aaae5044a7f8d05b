import { type CommandRule, type Finding, finding, operands } from './rule.js';

/** `program subcommand...` prefixes that publish to a public registry or change what is published. */
const PUBLISHING: readonly (readonly string[])[] = [
  ['npm', 'publish'],
  ['npm', 'unpublish'],
  ['npm', 'deprecate'],
  ['npm', 'dist-tag', 'add'],
  ['npm', 'owner', 'add'],
  ['npm', 'access'],
  ['yarn', 'publish'],
  ['yarn', 'npm', 'publish'],
  ['pnpm', 'publish'],
  ['bun', 'publish'],
  ['lerna', 'publish'],
  ['changeset', 'publish'],
  ['twine', 'upload'],
  ['poetry', 'publish'],
  ['flit', 'publish'],
  ['hatch', 'publish'],
  ['uv', 'publish'],
  ['pdm', 'publish'],
  ['cargo', 'publish'],
  ['cargo', 'yank'],
  ['cargo', 'owner'],
  ['gem', 'push'],
  ['gem', 'yank'],
  ['gem', 'owner'],
  ['docker', 'push'],
  ['podman', 'push'],
  ['buildah', 'push'],
  ['docker', 'login'],
  ['helm', 'push'],
  ['crane', 'push'],
  ['skopeo', 'copy'],
  ['mvn', 'deploy'],
  ['gradle', 'publish'],
  ['gradlew', 'publish'],
  ['dotnet', 'nuget', 'push'],
  ['nuget', 'push'],
  ['gh', 'release', 'create'],
  ['gh', 'release', 'upload'],
  ['vsce', 'publish'],
  ['ovsx', 'publish'],
  ['pod', 'trunk', 'push'],
  ['dart', 'pub', 'publish'],
  ['flutter', 'pub', 'publish'],
  ['mix', 'hex.publish'],
  ['jsr', 'publish'],
  ['deno', 'publish'],
];

/** Options of package tools that take a value: `npm --registry URL publish` still publishes. */
const OPTIONS_WITH_VALUE = new Set([
  '--registry',
  '--userconfig',
  '--globalconfig',
  '--prefix',
  '--otp',
  '--tag',
  '--access',
  '--cache',
  '-w',
  '--workspace',
  '-C',
  '--dir',
  '--cwd',
  '--filter',
  '--repository',
  '-r',
  '--repository-url',
  '--index',
  '--token',
  '-u',
  '--username',
  '-p',
  '--password',
  '--config',
  '--manifest-path',
]);

const PACKAGE_MANAGERS = /^(npm|pnpm|yarn|bun|pip[\d.]*|uv|poetry|pipenv|gem|cargo)$/;
/** Settings that send every later install to another registry: installs run that registry's code. */
const REGISTRY_KEY = /(^|[.:])(registry|index-url|extra-index-url|npmRegistryServer|index)$/i;

/**
 * Pointing the package manager at another registry for good (`npm config set registry URL`) makes
 * every later install run code from there: HIGH. One install from a named index (PyTorch's wheels)
 * is ordinary enough: MEDIUM, so a person can see it without being asked.
 */
function registryFindings(view: Parameters<CommandRule>[0]): Finding[] {
  if (!PACKAGE_MANAGERS.test(view.name)) return [];
  const words = operands(view.args);
  const configIndex = words.indexOf('config');
  if (configIndex >= 0 && words[configIndex + 1] === 'set' && REGISTRY_KEY.test(words[configIndex + 2] ?? ''))
    return [finding('package-registry-redirect', 'HIGH', view.command.raw)];
  if (view.args.some((a) => /^(--registry|--index-url|--extra-index-url|-i|--index)(=|$)/.test(a)))
    return [finding('package-registry-redirect', 'MEDIUM', view.command.raw)];
  return [];
}

/** Publishing a package or image: irreversible, public, and outside the PR the run is meant to open. */
export const packagePublishRule: CommandRule = (view, context) => [
  ...registryFindings(view),
  ...publishFindings(view, context),
];

const publishFindings: CommandRule = (view) => {
  const words = [view.name, ...operands(view.args, OPTIONS_WITH_VALUE)];
  for (const prefix of PUBLISHING) {
    if (prefix.every((part, index) => words[index] === part))
      return [finding('package-publish', 'HIGH', view.command.raw)];
  }
  // `python -m twine upload`, `npx lerna publish`, `./gradlew publish`.
  if (/^(python[\d.]*|npx|pnpx|bunx)$/.test(view.name) || view.name === 'gradlew') {
    const text = view.args.join(' ');
    if (
      /\b(twine upload|lerna publish|changeset publish|np\b|semantic-release|release-it)\b/.test(text) ||
      /(^|\s)publish\w*(\s|$)/.test(text)
    ) {
      return [finding('package-publish', 'HIGH', view.command.raw)];
    }
  }
  if (
    view.name === 'gh' &&
    view.args[0] === 'repo' &&
    /^(delete|archive|edit|rename)$/.test(view.args[1] ?? '')
  ) {
    return [finding('repository-admin', 'HIGH', view.command.raw)];
  }
  if (
    view.name === 'gh' &&
    (view.args[0] === 'secret' ||
      view.args[0] === 'variable' ||
      (view.args[0] === 'pr' && view.args[1] === 'merge'))
  ) {
    return [finding('repository-admin', 'HIGH', view.command.raw)];
  }
  return [];
};
