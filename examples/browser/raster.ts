/**
 * One sample through a network (forward only, batch 1): its input spikes (encoded
 * on the CPU exactly as the GPU encoder would), every hidden layer's spikes and
 * the readout voltages, read from the gradient method's observables. Drawn as a
 * spike raster (canvas) and readout traces (SVG).
 */
import { createNetwork, encodeCpu, readF32, type EncoderSpec, type GradientMethod, type ImageDataset, type NetworkSpec, type NetworkWeights } from 'webspike';
import { lineChart } from './charts.js';

export interface SampleActivity {
  steps: number;
  label: number;
  predicted: number;
  /** [T][inputs] */
  input: Float32Array;
  inputs: number;
  /** per hidden layer [T][size] */
  hidden: { size: number; spikes: Float32Array }[];
  /** [T][outputs] */
  readout: Float32Array;
  outputs: number;
}

export async function sampleActivity(
  device: GPUDevice, method: GradientMethod, spec: NetworkSpec, weights: NetworkWeights,
  encoder: EncoderSpec, ds: ImageDataset, index: number, steps: number, seed: number,
): Promise<SampleActivity> {
  if (!(Number.isInteger(index) && index >= 0 && index < ds.count)) throw new RangeError(`sample ${index} is outside 0..${ds.count - 1} of ${ds.name}`);
  const inputs = spec.inputs;
  const net = createNetwork(device, spec, weights);
  const run = method.bind(net, { batch: 1, steps });
  try {
    const input = encodeCpu(encoder, ds.images, inputs, [index], steps, seed); // keyed by the sample index, as on the GPU
    device.queue.writeBuffer(run.input, 0, input as Float32Array<ArrayBuffer>);
    device.queue.writeBuffer(run.labels, 0, new Uint32Array([ds.labels[index]]));
    run.setValid(1);
    const enc = device.createCommandEncoder({ label: 'app/sample-forward' });
    run.encodeForward(enc);
    device.queue.submit([enc.finish()]);
    const hidden = await Promise.all(spec.hidden.map(async (h, l) => {
      const o = run.observables.get(`hidden.${l}.spikes`);
      return { size: h.size, spikes: o ? await readF32(device, o.buffer, steps * h.size) : new Float32Array(steps * h.size) };
    }));
    const ro = run.observables.get('readout.voltage');
    const readout = ro ? await readF32(device, ro.buffer, steps * spec.outputs) : new Float32Array(steps * spec.outputs);
    const logits = new Float64Array(spec.outputs);
    for (let k = 0; k < spec.outputs; k++) {
      let acc = spec.readoutReduce === 'max' ? -Infinity : 0;
      for (let n = 0; n < steps; n++) {
        const v = readout[n * spec.outputs + k];
        acc = spec.readoutReduce === 'max' ? Math.max(acc, v) : acc + v;
      }
      logits[k] = acc;
    }
    const predicted = logits.indexOf(Math.max(...logits));
    return { steps, label: ds.labels[index], predicted, input, inputs, hidden, readout, outputs: spec.outputs };
  } finally {
    run.destroy();
    net.destroy();
  }
}

/** Raster: time across, neurons down; input layer, then each hidden layer, separated by a gap. */
export function drawRaster(canvas: HTMLCanvasElement, a: SampleActivity): { spikes: number[] } {
  const layers = [{ name: 'input', size: a.inputs, spikes: a.input }, ...a.hidden.map((h, l) => ({ name: `hidden ${l}`, size: h.size, spikes: h.spikes }))];
  const gapPx = 6;
  const W = canvas.clientWidth || 420;
  const H = 360;
  canvas.width = W;
  canvas.height = H;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W, H);
  const left = 56;
  const cw = (W - left - 4) / a.steps;
  // each layer gets a band of height ∝ √size, so small hidden layers stay visible beside 784 inputs
  const weights = layers.map((l) => Math.sqrt(l.size));
  const usable = H - gapPx * (layers.length - 1);
  const total = weights.reduce((x, y) => x + y, 0);
  let top = 0;
  const counts: number[] = [];
  const colors = ['#555', '#1f6feb', '#d1242f', '#1a7f37'];
  layers.forEach((layer, li) => {
    const band = (usable * weights[li]) / total;
    const rh = band / layer.size;
    g.fillStyle = '#333';
    g.font = '10px sans-serif';
    g.fillText(`${layer.name} (${layer.size})`, 2, top + band / 2 + 3, left - 4);
    g.fillStyle = colors[li % colors.length];
    let count = 0;
    for (let n = 0; n < a.steps; n++) {
      for (let j = 0; j < layer.size; j++) {
        if (layer.spikes[n * layer.size + j] !== 0) {
          count++;
          g.fillRect(left + n * cw, top + j * rh, Math.max(1, cw - 1), Math.max(1, rh));
        }
      }
    }
    counts.push(count);
    top += band + gapPx;
    if (li < layers.length - 1) {
      g.fillStyle = '#d0d7de';
      g.fillRect(left, top - gapPx / 2, W - left, 1);
    }
  });
  return { spikes: counts };
}

export function drawTraces(svg: SVGSVGElement, a: SampleActivity): void {
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const series = Array.from({ length: a.outputs }, (_, k) => ({
    name: `${k}${k === a.label ? ' (label)' : ''}${k === a.predicted ? ' ◀' : ''}`,
    color: palette[k % palette.length],
    points: Array.from({ length: a.steps }, (_, n) => [n, a.readout[n * a.outputs + k]] as [number, number]),
  }));
  lineChart(svg, series, { xLabel: 'time step', yLabel: 'readout voltage' });
}
