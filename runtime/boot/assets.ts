// The optional assets cache (`--assets DIR`): kernels and initrds kept on the boot
// service so machines boot without internet. Every file is hashed when it is written
// (an upload whose SHA-256 differs from the one declared is refused and nothing is kept)
// and again when the service starts; profiles name an asset with its SHA-256 and are
// refused unless the cached file has exactly that hash.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, readdir, rename, rm, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { ASSET_PATH } from "./read-docs";

export interface AssetInfo {
  readonly sha256: string;
  readonly size: number;
}

export type PutResult =
  | { readonly ok: true; readonly sha256: string; readonly size: number }
  | { readonly ok: false; readonly code: "invalid-path" | "checksum-mismatch" | "too-large" | "io"; readonly message: string };

const TMP = ".tmp";
/** Files the start-up scan visits at most (it hashes each). */
const MAX_FILES = 10_000;

export function checkAssetPath(path: string): string | undefined {
  return ASSET_PATH.test(path) ? undefined : `asset path ${JSON.stringify(path)} is not accepted; expected /-separated names of letters, digits, . _ + - (no leading dot, at most 16 levels)`;
}

async function hashFile(file: string): Promise<AssetInfo> {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha256: h.digest("hex"), size };
}

export class AssetStore {
  private constructor(
    readonly dir: string,
    private readonly files: Map<string, AssetInfo>,
  ) {}

  /** Opens (creating) the directory, drops unfinished uploads and hashes every file. */
  static async open(dir: string): Promise<AssetStore> {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await rm(join(dir, TMP), { recursive: true, force: true });
    const files = new Map<string, AssetInfo>();
    const walk = async (rel: string, depth: number): Promise<void> => {
      for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.name.startsWith(".") || files.size >= MAX_FILES) continue;
        if (e.isDirectory() && depth < 16) await walk(path, depth + 1);
        else if (e.isFile() && ASSET_PATH.test(path)) files.set(path, await hashFile(join(dir, path)));
      }
    };
    await walk("", 0);
    return new AssetStore(dir, files);
  }

  index(): ReadonlyMap<string, AssetInfo> {
    return this.files;
  }

  /** Absolute file to serve for `path`, if the cache holds it. */
  fileFor(path: string): { file: string; info: AssetInfo } | undefined {
    const info = this.files.get(path);
    return info ? { file: join(this.dir, path), info } : undefined;
  }

  /** Streams `body` to a temporary file while hashing it; only a matching hash is moved into place. */
  async put(path: string, body: AsyncIterable<Buffer>, expectedSha256: string, maxBytes: number): Promise<PutResult> {
    const bad = checkAssetPath(path);
    if (bad) return { ok: false, code: "invalid-path", message: bad };
    const tmpDir = join(this.dir, TMP);
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomBytes(8).toString("hex"));
    const h = createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new Error("too-large"));
        h.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { mode: 0o644 }));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      if ((err as Error).message === "too-large") return { ok: false, code: "too-large", message: `upload exceeds ${maxBytes} bytes (--max-asset-bytes)` };
      return { ok: false, code: "io", message: `upload failed: ${(err as Error).message}` };
    }
    const sha256 = h.digest("hex");
    if (sha256 !== expectedSha256.toLowerCase()) {
      await unlink(tmp).catch(() => undefined);
      return { ok: false, code: "checksum-mismatch", message: `the uploaded ${size} bytes have sha256 ${sha256}, not the declared ${expectedSha256.toLowerCase()}; nothing was stored` };
    }
    const target = join(this.dir, path);
    const st = await lstat(target).catch(() => undefined);
    if (st && !st.isFile()) {
      await unlink(tmp).catch(() => undefined);
      return { ok: false, code: "invalid-path", message: `${path} exists in the assets directory and is not a file` };
    }
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      return { ok: false, code: "invalid-path", message: `cannot store ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (a file may stand where a directory is needed)` };
    }
    this.files.set(path, { sha256, size });
    return { ok: true, sha256, size };
  }

  async remove(path: string): Promise<boolean> {
    if (!this.files.has(path)) return false;
    await unlink(join(this.dir, path)).catch(() => undefined);
    this.files.delete(path);
    return true;
  }
}
