/**
 * Writing a file so that a reader only ever sees the old content or the whole
 * new one: the bytes go to a temporary file in the same folder, are flushed to
 * disk (fsync), and the temporary file is renamed over the target. A failed or
 * interrupted write removes its temporary file. Node and Deno only (node:fs is
 * imported when called, so that browser bundles never load it).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  // make the rename itself durable where the platform allows syncing a folder
  try {
    const dir = await fs.open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // some platforms cannot open folders; the data itself is synced
  }
}
