#!/usr/bin/env python3
"""The Open Neuromorphic SNN-library benchmark workload in plain PyTorch (CPU), mirroring
bench/open-neuromorphic.ts: Linear(n->n, no bias) + LIF, batch 16, T = 500, dense inputs
x ~ U[0,1); forward, and forward + backward of sum(spikes) (weight gradient only).

LIF: the canonical discrete LIF of DESIGN.md, alpha = exp(-1/5), beta = exp(-1/10),
threshold 1, reset by subtraction with the reset detached, fast-sigmoid surrogate
1/(1+10|U-1|)^2. The linear layer runs on all T*B rows at once (as webspike's matmul),
the LIF scan is a Python loop over T.

Run: OMP_NUM_THREADS=2 /usr/bin/python3 bench/open_neuromorphic.py --sizes 512,4096 --threads 2
On a CUDA GPU: --device cuda (the same code on the GPU; each timed call ends with
torch.cuda.synchronize()).
Prints one JSON object per size (median ms over --reps, after one warm-up).
"""
import argparse, json, math, statistics, time
import torch

ALPHA, BETA, K, THETA = math.exp(-1 / 5), math.exp(-1 / 10), 10.0, 1.0
B, T = 16, 500


class Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (K * x.abs() + 1.0) ** 2


def forward(x, W):
    drive = torch.matmul(x, W.t()).unbind(0)  # [T][B][n]
    I = x.new_zeros(B, W.shape[0]); U = torch.zeros_like(I)
    spikes = []
    for n in range(T):
        S = Spike.apply(U - THETA)
        spikes.append(S)
        U = BETA * U + I - THETA * S.detach()
        I = ALPHA * I + drive[n]
    return torch.stack(spikes)


def run(n, reps, budget_s, device):
    g = torch.Generator().manual_seed(n)
    x = torch.rand(T, B, n, generator=g).to(device)
    a = 0.5 * math.sqrt(3 / n)
    W = ((torch.rand(n, n, generator=g) * 2 - 1) * a).to(device).requires_grad_()
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)

    def fwd():
        with torch.no_grad():
            return forward(x, W)

    def fwd_bwd():
        W.grad = None
        s = forward(x, W)
        s.sum().backward()
        return s

    out = {"impl": "pytorch", "device": device, "n": n, "B": B, "T": T}
    for name, fn in (("forward", fwd), ("forward_backward", fwd_bwd)):
        t0 = time.perf_counter(); s = fn(); sync(); warm = time.perf_counter() - t0
        r = max(2, min(reps, int(budget_s / max(warm, 1e-3))))
        ts = []
        for _ in range(r):
            t0 = time.perf_counter(); fn(); sync(); ts.append((time.perf_counter() - t0) * 1000)
        out[f"{name}_ms"] = round(statistics.median(ts), 3)
        out[f"{name}_reps"] = r
        out["spike_rate"] = round(float(s.mean()), 4)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="512,4096")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--budget-s", type=float, default=30)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on an NVIDIA GPU")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "device": args.device}
    if args.device.startswith("cuda"):
        info["gpu"] = torch.cuda.get_device_name(0)
    print(json.dumps(info), flush=True)
    for n in map(int, args.sizes.split(",")):
        print(json.dumps(run(n, args.reps, args.budget_s, args.device)), flush=True)


if __name__ == "__main__":
    main()
