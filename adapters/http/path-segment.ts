// One id in the path of a call to an outside API (the merchant's order and catalog API, a
// marketplace's API). An id comes from somewhere Kefu does not control (a buyer's text, a button
// payload, a signed token the shop made, a platform's push), and a path is read by URL parsers that
// act on what it spells: "/" starts a new segment, and "." or ".." (also written %2e) move up the
// path (WHATWG URL, "path state": single- and double-dot segments). So each id becomes exactly one
// segment: encodeURIComponent escapes "/", "\", "?", "#" and "%" (so "%2e%2e" arrives as the text it
// is), and an id that would still be a dot segment, or is empty, is refused before any call is made.

/** An id that cannot be one path segment: the caller answers "not found" instead of calling. */
export class UnsafePathSegmentError extends Error {
  constructor() {
    super('an id that cannot be a single path segment was refused');
    this.name = 'UnsafePathSegmentError';
  }
}

/** The longest id that is put in a path; ids of orders, buyers and products are far shorter. */
const MAX_SEGMENT_LENGTH = 256;

/** Whether `value` can be sent as one path segment. */
export function isSafePathSegment(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SEGMENT_LENGTH) return false;
  if (value === '.' || value === '..') return false;
  // A lone surrogate cannot be encoded (encodeURIComponent would throw).
  return !/\p{Cs}/u.test(value);
}

/** `value` encoded as exactly one path segment; throws UnsafePathSegmentError when it cannot be one. */
export function pathSegment(value: string): string {
  if (!isSafePathSegment(value)) throw new UnsafePathSegmentError();
  return encodeURIComponent(value);
}
