/**
 * The rack of this process, if any: started by `tinyarena start`/`worker` (cli/run-parts.ts) or by a
 * test, and used by the device stage. With none, the device stage is skipped and says why.
 */
import type { Rack } from './rack.js';

let active: Rack | null = null;

export function setActiveRack(rack: Rack | null): void {
  active = rack;
}

export function activeRack(): Rack | null {
  return active;
}
