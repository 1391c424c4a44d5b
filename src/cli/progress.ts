/** A one-line progress bar on stderr (redrawn in place on a terminal, a line every few seconds otherwise). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let lastPrint = 0;
  return {
    update(text: string, fraction: number, final = false) {
      const width = 24;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`;
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
      } else if (final || performance.now() - lastPrint > 5000) {
        stream.write(`${line}\n`);
        lastPrint = performance.now();
      }
    },
  };
}
