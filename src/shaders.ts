import { shaderSources } from './generated/shaders.js';

/** The WGSL source of `shaders/<name>.wgsl`, e.g. shader('neurons/lif-forward'). */
export function shader(name: string): string {
  const src = shaderSources[name];
  if (src === undefined) throw new Error(`no shader named '${name}' (is src/generated/shaders.ts up to date? run npm run embed)`);
  return src;
}
