/**
 * IDX file format (the container of MNIST / Fashion-MNIST), reader and writer.
 *
 * Layout (all multi-byte numbers big-endian):
 *   bytes 0,1   zero
 *   byte  2     type code: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 *   byte  3     number of dimensions n (≥ 1 here)
 *   n × u32     the size of each dimension
 *   data        product(dims) elements, row-major, big-endian
 *
 * Browser-safe: gzip is handled with the web-standard (De)CompressionStream,
 * which Node ≥ 18, Deno and browsers all provide, and Node-only modules are
 * only ever loaded with dynamic `import()` inside `readBytes`.
 */

export type IdxDtype = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  /** sizes of each dimension, outermost first (e.g. [count, rows, cols]) */
  dims: number[];
  /** product(dims) elements, row-major, in the platform's (little-endian) byte order */
  data: IdxData;
}

/** Every malformed-file problem found by this module; `file` names the file. */
export class IdxFormatError extends Error {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'IdxFormatError';
    this.file = file;
  }
}

/** A data source (path, URL) that could not be read at all (missing, HTTP error, no fs…). */
export class DataSourceError extends Error {
  readonly source: string;
  readonly code: string | undefined;
  constructor(source: string, problem: string, options?: { cause?: unknown; code?: string }) {
    super(`${source}: ${problem}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DataSourceError';
    this.source = source;
    this.code = options?.code;
  }
}

interface DtypeInfo {
  code: number;
  size: number;
}

const DTYPES: Record<IdxDtype, DtypeInfo> = {
  u8: { code: 0x08, size: 1 },
  i8: { code: 0x09, size: 1 },
  i16: { code: 0x0b, size: 2 },
  i32: { code: 0x0c, size: 4 },
  f32: { code: 0x0d, size: 4 },
  f64: { code: 0x0e, size: 8 },
};

const DTYPE_BY_CODE = new Map<number, IdxDtype>(
  (Object.keys(DTYPES) as IdxDtype[]).map((d) => [DTYPES[d].code, d]),
);

/** Size in bytes of one element of `dtype`. */
export function idxDtypeSize(dtype: IdxDtype): number {
  return DTYPES[dtype].size;
}

const hex = (n: number, digits = 2) => '0x' + n.toString(16).padStart(digits, '0');

function describeShape(dims: readonly number[], dtype: IdxDtype): string {
  return `${dims.join('×')} ${dtype}`;
}

/** True when `bytes` starts with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array<ArrayBuffer>> {
  // Blob.stream() is available in Node ≥ 18, Deno and browsers; the Blob copies `bytes`.
  return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
}

/**
 * Gunzip with the web-standard DecompressionStream. Multi-member streams are
 * supported; failures become an IdxFormatError naming `name`.
 */
export async function gunzipBytes(bytes: Uint8Array, name = 'gzip data'): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new IdxFormatError(name, 'gzip-compressed, but this runtime has no DecompressionStream');
  }
  try {
    return await collect(streamOf(bytes).pipeThrough(new DecompressionStream('gzip')));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const truncated = /end of (file|stream|input)|truncat|premature|incomplete|unexpected end/i.test(msg);
    throw new IdxFormatError(
      name,
      truncated
        ? `truncated gzip stream (${bytes.length} compressed bytes; ${msg})`
        : `corrupt gzip stream (${msg})`,
      { cause: err },
    );
  }
}

/** Gzip with the web-standard CompressionStream. */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return collect(streamOf(bytes).pipeThrough(new CompressionStream('gzip')));
}

/**
 * Parse an IDX file, raw or gzipped (detected by the 0x1f 0x8b magic).
 * Throws IdxFormatError, naming `name`, on any inconsistency: bad magic, unknown
 * type code, incomplete header, or a data section that is not exactly
 * product(dims) × elementSize bytes long.
 *
 * For raw u8 input the returned `data` is a copy (it never aliases `bytes`).
 */
export async function parseIdx(bytes: Uint8Array, name = 'IDX data'): Promise<IdxArray> {
  let owned = false;
  if (isGzip(bytes)) {
    bytes = await gunzipIdx(bytes, name);
    owned = true;
  }
  return parseRawIdx(bytes, name, owned);
}

/** The largest IDX file (header and data, bytes) this reader accepts: 2 GiB, 40× full MNIST. */
export const MAX_IDX_BYTES = 2 ** 31;
/** Bytes past the declared size that gunzip still collects, so that a few trailing bytes are reported as such. */
const TRAILING_MARGIN = 1 << 16;

/**
 * The total size an IDX header declares (header + data bytes), from the first
 * bytes of the file; undefined while the header is incomplete, null when the
 * bytes are no IDX header (parseRawIdx then names the problem).
 */
function declaredIdxBytes(head: Uint8Array): number | undefined | null {
  if (head.length < 4) return undefined;
  const dtype = DTYPE_BY_CODE.get(head[2]);
  if (head[0] !== 0 || head[1] !== 0 || dtype === undefined || head[3] < 1) return null;
  const headerLen = 4 + 4 * head[3];
  if (head.length < headerLen) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let bytes = DTYPES[dtype].size;
  for (let i = 0; i < head[3]; i++) bytes *= view.getUint32(4 + 4 * i, false);
  return headerLen + bytes;
}

/**
 * Gunzip an IDX file without ever holding more than its header declares: the
 * declared size is checked against MAX_IDX_BYTES as soon as the header has
 * inflated, and decompression stops once it passes it by TRAILING_MARGIN.
 */
async function gunzipIdx(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new IdxFormatError(name, 'gzip-compressed, but this runtime has no DecompressionStream');
  }
  const reader = streamOf(bytes).pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let limit: number | null | undefined;
  const stop = async (problem: string): Promise<never> => {
    await reader.cancel().catch(() => {});
    throw new IdxFormatError(name, problem);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (limit === undefined) {
        limit = declaredIdxBytes(concat(chunks, Math.min(total, 4 + 4 * 255)));
        if (typeof limit === 'number' && !(limit <= MAX_IDX_BYTES)) {
          await stop(`header declares ${limit} bytes, more than the ${MAX_IDX_BYTES} this reader accepts`);
        }
        if (limit === null) break; // not an IDX header: parseRawIdx names the problem
      }
      if (typeof limit === 'number' && total > limit + TRAILING_MARGIN) {
        await stop(`gzip data inflates past the ${limit} bytes its header declares (stopped at ${total})`);
      }
    }
  } catch (err) {
    if (err instanceof IdxFormatError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    const truncated = /end of (file|stream|input)|truncat|premature|incomplete|unexpected end/i.test(msg);
    throw new IdxFormatError(name, truncated ? `truncated gzip stream (${bytes.length} compressed bytes; ${msg})` : `corrupt gzip stream (${msg})`, { cause: err });
  }
  if (limit === null) await reader.cancel().catch(() => {});
  return concat(chunks, total);
}

/** The first `length` bytes of `chunks` joined. */
function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].length === length) return chunks[0];
  const out = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) {
    if (off >= length) break;
    const n = Math.min(c.length, length - off);
    out.set(n === c.length ? c : c.subarray(0, n), off);
    off += n;
  }
  return out;
}

function parseRawIdx(bytes: Uint8Array, name: string, owned: boolean): IdxArray {
  if (bytes.length < 4) {
    throw new IdxFormatError(
      name,
      `truncated header: file has ${bytes.length} byte${bytes.length === 1 ? '' : 's'}, an IDX header needs at least 4`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = view.getUint32(0, false);
    throw new IdxFormatError(
      name,
      `bad magic ${hex(magic, 8)}: not an IDX file (the first two bytes must be 0, then a type code and the number of dimensions)`,
    );
  }
  const code = bytes[2];
  const dtype = DTYPE_BY_CODE.get(code);
  if (dtype === undefined) {
    throw new IdxFormatError(
      name,
      `bad type code ${hex(code)} (expected 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32 or 0x0E f64)`,
    );
  }
  const ndims = bytes[3];
  if (ndims < 1) {
    throw new IdxFormatError(name, 'header says 0 dimensions (need at least 1)');
  }
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) {
    throw new IdxFormatError(
      name,
      `truncated header: ${ndims} dimensions need a ${headerLen}-byte header, file has ${bytes.length} bytes`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const { size } = DTYPES[dtype];
  let count = 1;
  for (const d of dims) count *= d;
  const expected = count * size;
  if (!Number.isSafeInteger(expected)) {
    throw new IdxFormatError(name, `header says ${describeShape(dims, dtype)}, which is too large`);
  }
  const have = bytes.length - headerLen;
  const says = `header says ${describeShape(dims, dtype)} = ${expected} bytes of data`;
  if (have < expected) {
    throw new IdxFormatError(name, `truncated: ${says}, file has ${have}`);
  }
  if (have > expected) {
    const extra = have - expected;
    throw new IdxFormatError(name, `${says}, file has ${extra} trailing byte${extra === 1 ? '' : 's'}`);
  }

  const start = bytes.byteOffset + headerLen;
  let data: IdxData;
  switch (dtype) {
    case 'u8':
      data = owned
        ? new Uint8Array(bytes.buffer, start, count)
        : bytes.slice(headerLen, headerLen + count);
      break;
    case 'i8':
      data = owned
        ? new Int8Array(bytes.buffer, start, count)
        : new Int8Array(bytes.slice(headerLen, headerLen + count).buffer);
      break;
    case 'i16': {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(headerLen + 2 * i, false);
      data = a;
      break;
    }
    case 'i32': {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(headerLen + 4 * i, false);
      data = a;
      break;
    }
    case 'f32': {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(headerLen + 4 * i, false);
      data = a;
      break;
    }
    case 'f64': {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(headerLen + 8 * i, false);
      data = a;
      break;
    }
  }
  return { dtype, dims, data };
}

function dtypeOfData(data: IdxData): IdxDtype | undefined {
  if (data instanceof Uint8Array) return 'u8';
  if (data instanceof Int8Array) return 'i8';
  if (data instanceof Int16Array) return 'i16';
  if (data instanceof Int32Array) return 'i32';
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Float64Array) return 'f64';
  return undefined;
}

/** Serialise to an (uncompressed) IDX file; see `gzipBytes` to compress it. */
export function encodeIdx(arr: IdxArray, name = 'IDX data'): Uint8Array {
  const { dtype, dims, data } = arr;
  const info = DTYPES[dtype];
  if (info === undefined) throw new IdxFormatError(name, `cannot encode unknown dtype ${String(dtype)}`);
  const actual = dtypeOfData(data);
  if (actual !== dtype) {
    throw new IdxFormatError(name, `dtype is ${dtype} but data is a ${data?.constructor?.name ?? typeof data}`);
  }
  if (dims.length < 1 || dims.length > 255) {
    throw new IdxFormatError(name, `cannot encode ${dims.length} dimensions (need 1..255)`);
  }
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new IdxFormatError(name, `dimension ${d} is not an integer in 0..2^32-1`);
    }
    count *= d;
  }
  if (count !== data.length) {
    throw new IdxFormatError(name, `dims ${dims.join('×')} = ${count} elements but data has ${data.length}`);
  }
  const headerLen = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLen + count * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  switch (dtype) {
    case 'u8':
      out.set(data as Uint8Array, headerLen);
      break;
    case 'i8':
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.length), headerLen);
      break;
    case 'i16':
      for (let i = 0; i < count; i++) view.setInt16(headerLen + 2 * i, data[i], false);
      break;
    case 'i32':
      for (let i = 0; i < count; i++) view.setInt32(headerLen + 4 * i, data[i], false);
      break;
    case 'f32':
      for (let i = 0; i < count; i++) view.setFloat32(headerLen + 4 * i, data[i], false);
      break;
    case 'f64':
      for (let i = 0; i < count; i++) view.setFloat64(headerLen + 8 * i, data[i], false);
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading bytes from paths, URLs, Blobs

export type ByteSource = string | URL | Blob | ArrayBuffer | Uint8Array;

type FsPromises = typeof import('node:fs/promises');

/** `node:fs/promises` in Node and Deno, undefined in browsers. */
async function tryImportFs(): Promise<FsPromises | undefined> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  if (!g.process?.versions?.node && g.Deno === undefined) return undefined;
  const spec = 'node:fs/promises';
  try {
    return (await import(/* @vite-ignore */ spec)) as FsPromises;
  } catch {
    return undefined;
  }
}

const URL_SCHEME = /^(https?|blob|file|data):/i;

function describeFsError(err: unknown): { problem: string; code?: string } {
  const code = (err as { code?: unknown })?.code;
  const msg = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ENOENT':
      return { problem: 'no such file (ENOENT)', code };
    case 'EISDIR':
      return { problem: 'is a directory, not a file (EISDIR)', code };
    case 'EACCES':
    case 'EPERM':
      return { problem: `permission denied (${code})`, code };
    default:
      return { problem: `cannot read: ${msg}`, code: typeof code === 'string' ? code : undefined };
  }
}

async function readWithFs(fs: FsPromises, path: string | URL, label: string): Promise<Uint8Array> {
  try {
    const buf = await fs.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const { problem, code } = describeFsError(err);
    throw new DataSourceError(label, problem, { cause: err, code });
  }
}

async function readWithFetch(url: string | URL, label: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new DataSourceError(label, `fetch failed: ${msg}`, { cause: err });
  }
  if (!res.ok) {
    throw new DataSourceError(label, `HTTP ${res.status} ${res.statusText}`.trimEnd(), {
      code: `HTTP_${res.status}`,
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Read all bytes of a source:
 *   - Uint8Array / ArrayBuffer: returned (wrapped) as is;
 *   - Blob / File: via arrayBuffer();
 *   - `http:`, `https:`, `blob:`, `data:` URLs (string or URL object): via fetch;
 *   - `file:` URLs: via node:fs in Node/Deno, fetch elsewhere;
 *   - any other string: a file path, read with node:fs in Node/Deno; in a browser
 *     (no fs) it is fetched as a URL relative to the page.
 * A missing file / failed request throws a DataSourceError naming the source.
 */
export async function readBytes(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return new Uint8Array(await source.arrayBuffer());
  }
  if (source instanceof URL || (typeof source === 'string' && URL_SCHEME.test(source))) {
    const url = source instanceof URL ? source : new URL(source);
    const label = url.href;
    if (url.protocol === 'file:') {
      const fs = await tryImportFs();
      if (fs) return readWithFs(fs, url, label);
    }
    return readWithFetch(url, label);
  }
  if (typeof source === 'string') {
    const fs = await tryImportFs();
    if (fs) return readWithFs(fs, source, source);
    return readWithFetch(source, source);
  }
  throw new TypeError(`readBytes: unsupported source ${Object.prototype.toString.call(source)}`);
}

/** A readable label for a source, used to name it in errors. */
export function describeSource(source: ByteSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  return 'IDX data';
}

/** readBytes + parseIdx; `name` (default: the path / URL / file name) labels errors. */
export async function readIdx(source: ByteSource, name?: string): Promise<IdxArray> {
  const bytes = await readBytes(source);
  return parseIdx(bytes, name ?? describeSource(source));
}
