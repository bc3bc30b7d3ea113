import "server-only";

/**
 * Reading a request body with a limit that holds while the bytes arrive. Every route that takes a
 * body in memory reads it here: the JSON routes (handler() in http.ts, 64 KB), the REST API
 * (api-v1/predict.ts, 8 MB) and multipart uploads (custom-backbones.ts). File uploads that stream
 * to disk go through putStream (blob-store.ts), which counts the same way.
 *
 * A Content-Length above the limit is refused before anything is read. A body without one (chunked)
 * is counted chunk by chunk and cancelled as soon as the count passes the limit, so at most the
 * limit plus one chunk is ever held, whatever the client keeps sending. The caller decides what
 * the refusal looks like (`tooLarge`): a studio error in the user's language or an API error.
 * Answers with status 413 close the connection (http.ts, api-v1/http.ts) so that the rest of a
 * refused body is never read.
 */
export interface BodyLimit {
  limitBytes: number;
  /** The request's Content-Length header, if any. */
  contentLength?: string | null;
  /** The error to throw when the body is larger than the limit. */
  tooLarge: () => Error;
}

/** Yields the body's chunks; throws `tooLarge()` (after cancelling the stream) once they pass the limit. */
export async function* limitedChunks(body: ReadableStream<Uint8Array> | null, opts: BodyLimit): AsyncGenerator<Uint8Array> {
  // Node's HTTP parser has already refused a malformed Content-Length; the count below holds anyway.
  if (Number(opts.contentLength ?? 0) > opts.limitBytes) throw opts.tooLarge();
  if (!body) return;
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > opts.limitBytes) {
        // Not awaited: the refusal should not wait for the client, and nothing more is read.
        reader.cancel().catch(() => {});
        throw opts.tooLarge();
      }
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The whole body as bytes, at most `limitBytes` of them. */
export async function readBodyBytes(body: ReadableStream<Uint8Array> | null, opts: BodyLimit): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of limitedChunks(body, opts)) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * The whole body as text, decoded only once it is complete and within the limit: UTF-8, a leading
 * byte-order mark dropped and invalid bytes replaced (what Request.text() does).
 */
export async function readBodyText(body: ReadableStream<Uint8Array> | null, opts: BodyLimit): Promise<string> {
  return new TextDecoder("utf-8").decode(await readBodyBytes(body, opts));
}
