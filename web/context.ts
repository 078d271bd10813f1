import type { HealthReport } from '../core/health.js';
import type { Services } from '../core/services.js';

/** What routes get: the shared services and a way to ask for the process's health. */
export interface WebContext {
  services: Services;
  health(): Promise<HealthReport>;
}
