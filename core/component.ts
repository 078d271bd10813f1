/** One part of a running process (web server, workers, Discord bot, rack manager). */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new work, finish or hand back what is in flight, release resources. */
  stop(): Promise<void>;
  health(): ComponentHealth | Promise<ComponentHealth>;
}

export interface ComponentHealth {
  ok: boolean;
  /** Short state word: starting, running, stopping, stopped, failed. */
  state: string;
  [detail: string]: unknown;
}
