import type { Check } from '../define.ts';
import { exposureUnintendedEntry } from './unintended-entry.ts';

/** The exposure.* checks, in catalogue order. */
export const EXPOSURE_CHECKS: readonly Check[] = [exposureUnintendedEntry];
