// Kefu's structured JSON logger (pino) with personal data masked and secrets redacted.
//
// Masking happens on the finished JSON line, string by string (message, bound fields, nested
// fields, serialised errors and requests alike), so nothing a serializer adds slips past it,
// and numbers and the line's shape stay exactly as pino wrote them. Before pino sees a logged
// object, it is bounded (depth, array length, Buffers) so an odd value costs little and never
// throws.

import { pino } from 'pino';
import { maskPersonalData } from './mask-personal-data.ts';

export interface CreateLoggerOptions {
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Dotted paths of secret settings (LoadedConfig.secretPaths); redacted wherever they appear. */
  secretPaths?: string[];
  /** Where lines go; standard output by default. */
  destination?: pino.DestinationStream;
}

/** Header and cookie fields redacted in every logger, whatever the configuration says. */
const ALWAYS_REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
];

const CENSOR = '[secret]';
const MAX_DEPTH = 8;
const MAX_ARRAY_ITEMS = 100;
const MAX_OBJECT_KEYS = 200;
/** Strings longer than this are cut before masking: a log line is not a place for documents. */
const MAX_STRING_LENGTH = 32 * 1024;

/** Creates the logger every part of Kefu writes to. Throws only for an unknown level. */
export function createLogger(options: CreateLoggerOptions): pino.Logger {
  const loggerOptions: pino.LoggerOptions = {
    level: options.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...ALWAYS_REDACTED, ...redactionPaths(options.secretPaths ?? [])], censor: CENSOR },
    hooks: {
      logMethod(args, method) {
        try {
          const [first, ...rest] = args as unknown[];
          const bounded = typeof first === 'object' && first !== null ? boundValue(first, 0, new WeakSet()) : first;
          method.apply(this, [bounded, ...rest] as Parameters<pino.LogFn>);
        } catch (error) {
          // A getter that throws, a value JSON cannot hold: say so instead of crashing the caller.
          method.call(this, { logFailure: errorText(error) }, 'a log call failed: its values could not be written');
        }
      },
      streamWrite: maskLogLine,
    },
  };
  return options.destination === undefined ? pino(loggerOptions) : pino(loggerOptions, options.destination);
}

/**
 * A secret setting may be logged on its own ({ agentDesk: … }), inside the configuration
 * ({ config: { agentDesk: … } }) or one level deeper; the paths cover all three.
 */
function redactionPaths(secretPaths: string[]): string[] {
  const paths: string[] = [];
  for (const secretPath of secretPaths) {
    const segments = secretPath.split('.').filter((segment) => segment.length > 0);
    if (segments.length === 0) continue;
    // Segments that are not identifiers (e.g. "zh-Hans") need bracket notation.
    const accessors = segments.map((segment) => (/^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`));
    const tail = accessors.join('');
    paths.push(tail.startsWith('.') ? tail.slice(1) : tail, `*${tail}`, `*.*${tail}`);
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Bounding logged values

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Copies plain objects and arrays with limits on depth, length and cycles, and summarises
 * binary data. Class instances (errors, requests, dates) are left to pino's serializers.
 */
function boundValue(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer of ${value.byteLength} bytes]`;
  const isArray = Array.isArray(value);
  const isMap = value instanceof Map;
  const isSet = value instanceof Set;
  if (!isArray && !isMap && !isSet && !isPlainObject(value)) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep to log]';
  ancestors.add(value);
  try {
    if (isArray || isSet) {
      const items = isArray ? (value as unknown[]) : [...(value as Set<unknown>)];
      const copy = items.slice(0, MAX_ARRAY_ITEMS).map((item) => boundValue(item, depth + 1, ancestors));
      if (items.length > MAX_ARRAY_ITEMS) copy.push(`[${items.length - MAX_ARRAY_ITEMS} more items]`);
      return copy;
    }
    const entries: [string, unknown][] = isMap
      ? [...(value as Map<unknown, unknown>).entries()].slice(0, MAX_OBJECT_KEYS + 1).map(([key, item]) => [String(key), item])
      : Object.keys(value).slice(0, MAX_OBJECT_KEYS + 1).map((key) => [key, readProperty(value as Record<string, unknown>, key)]);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, MAX_OBJECT_KEYS)) {
      Object.defineProperty(copy, key, { value: boundValue(item, depth + 1, ancestors), enumerable: true, writable: true, configurable: true });
    }
    if (entries.length > MAX_OBJECT_KEYS) copy['[more keys]'] = 'left out';
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

function readProperty(object: Record<string, unknown>, key: string): unknown {
  try {
    return object[key];
  } catch (error) {
    return `[unreadable: ${errorText(error)}]`;
  }
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

// ---------------------------------------------------------------------------------------------
// Masking finished lines

/**
 * JSON string literals (keys and values), and bare numbers that are Chinese mobile numbers.
 * The string pattern is the "unrolled loop" form: linear, and unlike `(?:[^"\\]|\\.)*` it does not
 * overflow the regular-expression stack on multi-megabyte strings.
 */
const JSON_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\w.-])1[3-9]\d{9}(?![\w.])/g;

/** Masks personal data in every string of one finished JSON log line. Never throws. */
export function maskLogLine(line: string): string {
  try {
    return line.replace(JSON_TOKEN, (token) => {
      if (token.charCodeAt(0) !== 34) return JSON.stringify(maskPersonalData(token)); // a bare phone number
      const text = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
      const bounded = text.length > MAX_STRING_LENGTH ? `${text.slice(0, MAX_STRING_LENGTH)}…[${text.length - MAX_STRING_LENGTH} more characters]` : text;
      const masked = maskPersonalData(bounded);
      return masked === text ? token : JSON.stringify(masked);
    });
  } catch {
    return `${JSON.stringify({ level: 50, time: new Date().toISOString(), msg: 'a log line was withheld: masking failed' })}\n`;
  }
}
