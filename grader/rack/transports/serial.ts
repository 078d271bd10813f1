/**
 * Serial transport on the `serialport` package: real boards on USB CDC and simulated boards on socat
 * ptys use the same code path.
 */
import { SerialPort } from 'serialport';
import type { Transport, TransportSpec } from './transport.js';

export class SerialTransport implements Transport {
  private port: SerialPort | null = null;
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(err?: Error) => void>();

  constructor(private readonly spec: TransportSpec) {}

  get location(): string {
    return this.spec.port;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({ path: this.spec.port, baudRate: this.spec.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`cannot open ${this.spec.port}: ${err.message}`)) : resolve())));
    port.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const l of this.dataListeners) l(bytes);
    });
    // 'error' without a listener would crash the process: a vanished device reports here first.
    port.on('error', () => undefined);
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (this.port === port) this.port = null;
      for (const l of this.closeListeners) l(err ?? undefined);
    });
    this.port = port;
  }

  async write(text: string): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new Error(`${this.spec.port} is not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(text, 'latin1'), (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async flush(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.flush(() => resolve()));
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
