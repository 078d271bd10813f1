/**
 * A byte link to one board. Transports are plug-ins (see README.md in this folder): the rack only
 * sees this interface, so a board on local USB, a pty with a simulated board, or (later) a board on
 * a remote rack agent are driven by the same client (grader/rack/board-client.ts).
 */
export interface Transport {
  /** Where the board is (a device path, `sim://<id>`, …) for logs and `rack status`. */
  readonly location: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Write bytes; resolves once handed to the OS (drained). */
  write(text: string): Promise<void>;
  /** Subscribe to incoming bytes; returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called once when the link goes away (unplugged, process gone, closed by us). */
  onClose(listener: (err?: Error) => void): () => void;
  /** Discard bytes received but not yet read (recovery). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** How a board is reached, from the rack config file. */
export interface TransportSpec {
  /** Serial device path (/dev/ttyACM0, a pty link). */
  port: string;
  baudRate?: number;
}
