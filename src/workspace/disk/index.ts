export {
  type CheckoutDisks,
  checkoutDisksFor,
  DIRECTORY_DISKS,
  type DiskBoundMode,
  FILESYSTEM_DISKS,
} from './checkout-disks.js';
export { type DiskBoundChoice, detectDiskBound } from './detect-disk-bound.js';
export { formatBytes } from './format-bytes.js';
export {
  imageOf,
  isMountPoint,
  listHandsbotLoops,
  listMountedVolumes,
  VOLUME_SUFFIX,
} from './loop-volume.js';
export { type ReapCheckoutDisksOptions, type ReapedDisk, reapCheckoutDisks } from './reap-checkout-disks.js';
export {
  type DiskWatch,
  type DiskWatchOptions,
  type DiskWatchVerdict,
  measureDiskUsage,
  watchDiskUsage,
} from './watch-disk-usage.js';
