/** Transport plug-ins by name (a plain list; see README.md here for how to add one). */
import { SerialTransport } from './serial.js';
import type { Transport, TransportSpec } from './transport.js';

export type TransportKind = 'serial';

export function createTransport(kind: TransportKind, spec: TransportSpec): Transport {
  switch (kind) {
    case 'serial':
      return new SerialTransport(spec);
  }
}

export type { Transport, TransportSpec } from './transport.js';
