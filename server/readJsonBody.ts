import { ServerError } from './serverErrors.js';

/** Deepest nesting of arrays and objects a body may have. */
export const maxJsonDepth = 8;

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads a request body as JSON, refusing (with a `ServerError`) a content
 * type other than `application/json` (415), a body over `limitBytes`
 * (413, also when streamed without a length), text that is not UTF-8 JSON,
 * nesting deeper than `maxJsonDepth`, and keys that could pollute
 * prototypes once the value is copied (`__proto__`, `constructor`,
 * `prototype`).
 */
export async function readJsonBody(
  request: Request,
  limitBytes: number,
): Promise<unknown> {
  // Content type
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ServerError(
      'unsupported-media-type',
      415,
      'Expected a body of type application/json',
    );
  }

  // Size, before and while reading
  const length = request.headers.get('content-length');
  if (Number(length) > limitBytes) throw tooLarge(limitBytes);

  // Node's HTTP parser never delivers more than a declared length, so
  // only a chunked body needs counting while it streams in
  const bytes =
    length === null
      ? await readLimited(request, limitBytes)
      : new Uint8Array(await request.arrayBuffer());

  // Text and shape
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ServerError('invalid-json', 400, 'Body is not UTF-8', {
      cause: error,
    });
  }
  if (depthOf(text) > maxJsonDepth) {
    throw new ServerError(
      'invalid-body',
      400,
      `Body is nested deeper than ${maxJsonDepth} levels`,
    );
  }

  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (forbiddenKeys.has(key)) throw new ForbiddenKeyError(key);

      return value;
    });
  } catch (error) {
    if (error instanceof ForbiddenKeyError) {
      throw new ServerError(
        'invalid-body',
        400,
        `Body must not contain the key \`${error.key}\``,
      );
    }
    throw new ServerError('invalid-json', 400, 'Body is not valid JSON', {
      cause: error,
    });
  }
}

class ForbiddenKeyError extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

async function readLimited(
  request: Request,
  limitBytes: number,
): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array();

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;

    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }

  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number): ServerError {
  return new ServerError(
    'body-too-large',
    413,
    `Body is larger than ${limitBytes} bytes`,
  );
}

/** Deepest bracket nesting outside strings; cheap, before parsing. */
function depthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;

  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      depth++;
      deepest = Math.max(deepest, depth);
    } else if (char === '}' || char === ']') {
      depth--;
    }
  }

  return deepest;
}
