import { shaderSources } from './wgsl.generated.js';

/** The WGSL source of `shaders/<name>.wgsl`, e.g. shader('neurons/lif-forward'). */
export function shader(name: string): string {
  const src = shaderSources[name];
  if (src === undefined) throw new Error(`no shader named '${name}' (is kernels/wgsl.generated.ts up to date? run npm run embed)`);
  return src;
}
