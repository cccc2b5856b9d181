import { label, type Nameable } from '../../inventory/derive.ts';

/** Wording the audit.* checks share, so an exception reads the same in each of their findings. */

/** The text without its final stop, to quote it inside a Japanese sentence. */
export const withoutFinalStop = (text: string): string => text.replace(/[。.]\s*$/, '');

/** 'web-sg (sg-…) に対する sg.world-ingress の例外', or for '*' 'すべてのリソースに対する … の例外'. */
export const exceptionSubject = (resource: string, at: Omit<Nameable, 'id'>, check: string): string =>
  `${resource === '*' ? 'すべてのリソースに対する' : `${label({ ...at, id: resource })} に対する`} ${check} の例外`;
