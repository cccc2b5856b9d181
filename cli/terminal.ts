import { styleText } from 'node:util';
import type { Paint, PaintStyle } from '../report/text.ts';
import type { OutputStream } from './progress.ts';

/** What each mark of the terminal report looks like in colour. */
const STYLES: Readonly<Record<PaintStyle, Parameters<typeof styleText>[0]>> = {
  critical: ['bold', 'red'],
  high: ['bold', 'yellow'],
  medium: 'yellow',
  low: 'cyan',
  new: ['bold', 'magenta'],
  recovered: ['bold', 'green'],
  muted: 'dim',
};

/**
 * Colour for the terminal report on this stream, through Node's util.styleText, which decides per
 * stream: colour on a terminal, none into a pipe or file, none with NO_COLOR (or NODE_DISABLE_COLORS,
 * TERM=dumb), always with FORCE_COLOR. No stream (tests, files): plain text.
 */
export const paintFor =
  (stream: OutputStream | undefined): Paint =>
  (style, text) =>
    stream ? styleText(STYLES[style], text, { stream: stream as NodeJS.WritableStream }) : text;
