/**
 * Child processes that never outlive us. Linux has no portable "kill my children when I die" that
 * Node can ask for, so a tethered child runs under a tiny `sh` that also reads our end of a pipe (its
 * stdin): when this process goes away for any reason — SIGKILL included — the pipe closes, the read
 * returns and the shell kills the child. The shell itself waits on the child, so when the child dies
 * on its own the shell exits at once with the child's status (128 + signal for a signal) and our
 * 'exit' listener hears about it. SIGTERM to the shell is passed on to the child.
 *
 * Closing the child's stdin (`child.stdin.end()`) is the polite way to stop it.
 */
import { spawn, type ChildProcess, type IOType, type StdioNull, type StdioPipe } from 'node:child_process';

const SCRIPT = [
  'exe="$1"; shift',
  // The child's stdin is /dev/null (an asynchronous list's), so it holds no end of our pipe.
  '"$exe" "$@" & child=$!',
  'exec 3<&0',
  '( read -r _unused <&3; kill "$child" 2>/dev/null ) & reader=$!',
  'exec 3<&-',
  'trap \'kill "$child" 2>/dev/null\' TERM INT HUP',
  'wait "$child"; status=$?',
  // A trapped signal interrupts `wait`: keep waiting until the child has really gone.
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
  'kill "$reader" 2>/dev/null',
  'exit "$status"',
].join('\n');

export interface TetherOptions {
  /** Where the child's stdout and stderr go (its stdin is the tether). */
  stdout?: IOType | StdioNull | StdioPipe;
  stderr?: IOType | StdioNull | StdioPipe;
  /** Own process group (a terminal's Ctrl-C then reaches only us). */
  detached?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Start `exe args…` tied to this process's life. The returned ChildProcess is the watching shell. */
export function spawnTethered(exe: string, args: readonly string[], opts: TetherOptions = {}): ChildProcess {
  const child = spawn('sh', ['-c', SCRIPT, 'tinyarena-tether', exe, ...args], {
    stdio: ['pipe', opts.stdout ?? 'ignore', opts.stderr ?? 'ignore'],
    detached: opts.detached ?? false,
    ...(opts.env ? { env: opts.env } : {}),
  });
  // Writing is never done; a broken pipe after the child died is not an error here.
  child.stdin?.on('error', () => undefined);
  return child;
}
