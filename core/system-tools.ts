/**
 * The programs TinyArena runs that npm does not install, with the Debian package that has each and
 * what stops working without it. README.md "On a fresh machine" installs all of them in one line
 * (a test keeps the two in step); `tinyarena start` checks the ones its configuration needs at boot.
 */
export interface SystemTool {
  /** The executable looked up on PATH. */
  bin: string;
  /** The Debian/Ubuntu package that provides it. */
  debianPackage: string;
  /** What it is for, as the boot line says it. */
  purpose: string;
}

export const SYSTEM_TOOLS = {
  redis: { bin: 'redis-server', debianPackage: 'redis-server', purpose: 'the private Redis (unless REDIS_URL is set)' },
  socat: { bin: 'socat', debianPackage: 'socat', purpose: 'the simulated boards of the default rack' },
  espeak: { bin: 'espeak-ng', debianPackage: 'espeak-ng', purpose: 'the spoken keywords of KWS demo sets' },
  qemu: { bin: 'qemu-system-arm', debianPackage: 'qemu-system-arm', purpose: 'the virtual Cortex-M4 boards of the rack' },
  armGcc: { bin: 'arm-none-eabi-gcc', debianPackage: 'gcc-arm-none-eabi', purpose: "building the virtual boards' harness image" },
} as const satisfies Record<string, SystemTool>;

export type SystemToolId = keyof typeof SYSTEM_TOOLS;
