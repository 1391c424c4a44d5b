#!/usr/bin/env python3
"""Plain PyTorch baseline for webspike's training-step benchmarks (bench/step-ab.ts, bench/peers.sh).

The same network, data and step as the webspike side, written as a PyTorch user would write it
without an SNN library, on the CPU in float32:

  784 Poisson inputs (rate p) -> H LIF neurons -> 10 leaky-integrator outputs, T steps.
  Canonical discrete LIF (Neftci, Mostafa & Zenke 2019, eqs. 4-5), states zero at n = 0:
      S[n]   = H(U[n] - 1)
      I[n+1] = alpha I[n] + W S_in[n]
      U[n+1] = beta U[n] + I[n] - S[n]          (reset by subtraction, its gradient detached)
  alpha = exp(-1/5), beta = exp(-1/10); the readout uses the same alpha, beta; its voltage y[n] = Uo[n].
  Surrogate derivative of H: fast sigmoid 1 / (1 + 10 |U - 1|)^2.
  Loss: cross-entropy of max_n y[n]; Adam, lr 1e-3.

One training step = forward + loss + backward + Adam update. Each configuration prints one JSON
line with the median and minimum step time over --reps timed steps (after two warm-up steps).

Set-up on Debian:  apt-get install -y python3-torch libopenblas0-openmp
(without OpenBLAS's OpenMP build, Debian's reference BLAS makes the products about 40x slower)
Run:  /usr/bin/python3 bench/plain_pytorch_lif.py --configs 0.02:256:512 --steps 100
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

ALPHA = math.exp(-1.0 / 5.0)
BETA = math.exp(-1.0 / 10.0)
THRESHOLD = 1.0
SLOPE = 10.0


class HeavisideFastSigmoid(torch.autograd.Function):
    """H(x) forward; 1 / (1 + SLOPE |x|)^2 as its derivative backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).float()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1.0 + SLOPE * x.abs()) ** 2


def lif_layer(drive):
    """drive: [T, B, H] synaptic input per step. Returns spikes [T, B, H]."""
    current = torch.zeros_like(drive[0])
    membrane = torch.zeros_like(drive[0])
    spikes = []
    for n in range(drive.shape[0]):
        s = HeavisideFastSigmoid.apply(membrane - THRESHOLD)
        spikes.append(s)
        membrane = BETA * membrane + current - THRESHOLD * s.detach()
        current = ALPHA * current + drive[n]
    return torch.stack(spikes)


def leaky_readout(drive):
    """drive: [T, B, O]. Returns the readout voltage y[n] = Uo[n], [T, B, O]."""
    current = torch.zeros_like(drive[0])
    voltage = torch.zeros_like(drive[0])
    out = []
    for n in range(drive.shape[0]):
        out.append(voltage)
        voltage = BETA * voltage + current
        current = ALPHA * current + drive[n]
    return torch.stack(out)


def time_steps(p, batch, hidden, steps, reps):
    gen = torch.Generator().manual_seed(1)
    inputs = (torch.rand(steps, batch, 784, generator=gen) < p).float()
    labels = torch.randint(0, 10, (batch,), generator=gen)
    w_in = (torch.randn(hidden, 784, generator=gen) * (0.1 / math.sqrt(p * 784))).requires_grad_()
    w_out = (torch.randn(10, hidden, generator=gen) * (0.2 / math.sqrt(hidden))).requires_grad_()
    optimizer = torch.optim.Adam([w_in, w_out], lr=1e-3)

    def step():
        spikes = lif_layer(inputs @ w_in.t())
        logits = leaky_readout(spikes @ w_out.t()).amax(dim=0)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    step()
    step()
    times_ms = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times_ms.append(1000.0 * (time.perf_counter() - start))
    return {
        "impl": "plain-pytorch", "p": p, "B": batch, "H": hidden, "T": steps,
        "train_ms_median": statistics.median(times_ms), "train_ms_min": min(times_ms),
        "train_ms": times_ms, "torch": torch.__version__, "threads": torch.get_num_threads(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default="0.02:256:512", help="p:B:H[,p:B:H...]")
    parser.add_argument("--steps", type=int, default=100, help="time steps T")
    parser.add_argument("--reps", type=int, default=10, help="timed training steps per configuration")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for config in args.configs.split(","):
        p, batch, hidden = config.split(":")
        print(json.dumps(time_steps(float(p), int(batch), int(hidden), args.steps, args.reps)), flush=True)


if __name__ == "__main__":
    main()
