import { RAW_DEVICE } from './file-writes.js';
import { type CommandRule, type Finding, finding, hasFlag, operands } from './rule.js';

const POWER = new Set(['shutdown', 'reboot', 'halt', 'poweroff', 'kexec']);
const FORMATTERS =
  /^(mkfs(\..+)?|mke2fs|mkswap|mkntfs|mkdosfs|fdisk|sfdisk|cfdisk|gdisk|sgdisk|parted|wipefs|blkdiscard|hdparm|cryptsetup|lvremove|vgremove|pvremove|zpool|badblocks)$/;
const FIREWALLS = new Set([
  'iptables',
  'ip6tables',
  'iptables-restore',
  'ip6tables-restore',
  'nft',
  'ufw',
  'firewall-cmd',
  'pfctl',
  'ebtables',
  'arptables',
]);
const KERNEL = new Set([
  'modprobe',
  'insmod',
  'rmmod',
  'sysctl',
  'swapoff',
  'swapon',
  'mount',
  'umount',
  'losetup',
  'setenforce',
  'grub-install',
  'update-grub',
  'efibootmgr',
]);
const SCHEDULERS = new Set(['crontab', 'at', 'batch', 'systemd-run', 'launchctl', 'anacron']);
const SERVICE_VERBS =
  /^(start|stop|restart|reload|enable|disable|mask|unmask|kill|isolate|daemon-reload|set-default|edit|link|preset|poweroff|reboot|halt|suspend|hibernate|rescue|emergency|default)$/;

/**
 * Changes to the machine rather than the project: power, raw disks and filesystems, killing every
 * process, scheduled jobs, firewall, services, kernel and mounts. The agent's sandbox should not need
 * any of them.
 */
export const systemStateRule: CommandRule = (view) => {
  const findings: Finding[] = [];
  const { name, args, command } = view;
  const line = command.raw;
  if (POWER.has(name) || ((name === 'init' || name === 'telinit') && /^[06sS]$/.test(args[0] ?? ''))) {
    findings.push(finding('system-power', 'HIGH', line));
  }
  if (FORMATTERS.test(name)) findings.push(finding('disk-format', 'HIGH', line));
  if (name === 'dd') {
    if (args.some((a) => a.startsWith('of=') && RAW_DEVICE.test(a.slice(3))))
      findings.push(finding('raw-device-write', 'HIGH', line));
    else if (args.some((a) => a.startsWith('if=') && RAW_DEVICE.test(a.slice(3))))
      findings.push(finding('raw-device-read', 'MEDIUM', line));
  }
  if ((name === 'shred' || name === 'wipe') && args.some((a) => RAW_DEVICE.test(a)))
    findings.push(finding('raw-device-write', 'HIGH', line));
  if (name === 'kill') {
    const targets = operands(
      args.filter((a) => !/^-(\d+|[A-Z]+|SIG[A-Z]+)$/.test(a)),
      new Set(['-s', '-n']),
    );
    if (targets.some((t) => t === '-1' || t === '1' || t === '0') || args.includes('-1'))
      findings.push(finding('kill-all-processes', 'HIGH', line));
  }
  if (name === 'killall' || name === 'killall5') findings.push(finding('kill-all-processes', 'HIGH', line));
  if (name === 'pkill') {
    const everything =
      hasFlag(args, 'u', '--euid', '--uid') ||
      operands(args).some((p) => p === '.' || p === '.*' || p === '');
    findings.push(
      everything ? finding('kill-all-processes', 'HIGH', line) : finding('kill-processes', 'MEDIUM', line),
    );
  }
  if (
    SCHEDULERS.has(name) &&
    !(name === 'crontab' && hasFlag(args, 'l')) &&
    !(name === 'launchctl' && args[0] === 'list')
  ) {
    findings.push(finding('scheduled-task', 'HIGH', line));
  }
  if (FIREWALLS.has(name)) {
    const listing =
      hasFlag(args, 'L', '--list', '-S') ||
      (name === 'nft' && args[0] === 'list') ||
      (name === 'ufw' && args[0] === 'status');
    findings.push(finding('firewall-change', listing ? 'MEDIUM' : 'HIGH', line));
  }
  if (
    name === 'ip' &&
    /^(route|link|addr|address|rule|netns|tunnel|r|l|a)$/.test(args[0] ?? '') &&
    /\b(add|del|delete|set|change|replace|flush)\b/.test(args.join(' '))
  ) {
    findings.push(finding('network-config-change', 'HIGH', line));
  }
  if (KERNEL.has(name)) {
    const readOnly =
      (name === 'sysctl' &&
        !hasFlag(args, 'w', '--write', '-p', '--load') &&
        !args.some((a) => a.includes('='))) ||
      (name === 'mount' && args.length === 0);
    if (!readOnly) findings.push(finding('kernel-or-mount-change', 'HIGH', line));
  }
  if (name === 'systemctl' || name === 'service' || name === 'rc-service' || name === 'initctl') {
    const verb = name === 'service' ? args[1] : operands(args)[0];
    if (verb !== undefined && SERVICE_VERBS.test(verb)) {
      const power = /^(poweroff|reboot|halt|suspend|hibernate|rescue|emergency)$/.test(verb);
      findings.push(finding(power ? 'system-power' : 'service-control', 'HIGH', line));
    }
  }
  if (name === 'docker' || name === 'podman') findings.push(...containerFindings(args, line));
  return findings;
};

/** A container run with the host's root, devices or Docker socket is a way out of any sandbox. */
function containerFindings(args: readonly string[], line: string): Finding[] {
  const sub = args[0] ?? '';
  if (sub !== 'run' && sub !== 'create' && sub !== 'exec') return [];
  const text = args.join(' ');
  if (
    /--privileged|--pid[= ]host|--net(work)?[= ]host|--cap-add[= ](ALL|SYS_ADMIN)|docker\.sock|(-v|--volume|--mount)[= ]?(type=bind,\s*source=)?\/(:|,|\s|$)|(-v|--volume)[= ]?\/(etc|root|var\/run|proc|sys|dev)\b/.test(
      text,
    )
  ) {
    return [finding('container-escape', 'HIGH', line)];
  }
  return [];
}
