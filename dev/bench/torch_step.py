"""torch_step.py: time one GPT-2 training step (forward + backward + clip + AdamW) in PyTorch
eager on the CPU, for comparison with `./train bench` (see side_by_side.sh).

    dev/reference/.venv/bin/python dev/bench/torch_step.py --depth 6 --width 384 --heads 6 \
        --context 256 --batch 8 --vocab 8192 --steps 10

The model is dev/reference/gpt2_ref.py's (llm.c's GPT-2, fp32) with torch's fused ops
(F.layer_norm, scaled_dot_product_attention, tanh GELU, F.cross_entropy), the optimizer is
torch.optim.AdamW (lr 1e-3, betas 0.9/0.95, eps 1e-8, wd 0.1 on the matrices, foreach) after
torch.nn.utils.clip_grad_norm_(1.0). --dtype bf16: torch.autocast("cpu", bfloat16) around the
forward and the loss, fp32 master weights, as ./train's --dtype bf16. Random tokens, fresh each step. The first --warmup steps
are not timed. Prints one line per timed step, then a last line of JSON with tokens_per_s
(median over the timed steps).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import gpt2_ref as ref  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--width", type=int, default=384)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--context", type=int, default=256)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--steps", type=int, default=10, help="timed steps")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    a = ap.parse_args()
    if a.width % a.heads:
        sys.exit("error: --width must be a multiple of --heads")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    cfg = ref.Config(maxT=a.context, V=a.vocab, L=a.depth, NH=a.heads, C=a.width)
    p = {k: v.requires_grad_(True) for k, v in ref.init_params(cfg, a.seed).items()}
    decay = [p[k] for k in ref.PARAM_NAMES if k in ref.DECAY_NAMES]
    nodecay = [p[k] for k in ref.PARAM_NAMES if k not in ref.DECAY_NAMES]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    g = torch.Generator().manual_seed(a.seed)
    B, T = a.batch, a.context
    times = []
    for step in range(a.warmup + a.steps):
        seq = torch.randint(0, cfg.V, (B, T + 1), generator=g)
        x, y = seq[:, :-1], seq[:, 1:]
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            _, loss = ref.forward(p, cfg, x, y, fast=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(p.values()), 1.0)
        opt.step()
        lv = loss.item()
        dt = time.perf_counter() - t0
        if step >= a.warmup:
            times.append(dt)
            print(f"step {step - a.warmup + 1}/{a.steps}: loss {lv:.4f}, {dt * 1000:.1f} ms, "
                  f"{B * T / dt:.0f} tok/s", flush=True)
    med = statistics.median(times)
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": a.threads, "dtype": a.dtype,
                      "depth": a.depth, "width": a.width, "heads": a.heads, "context": T, "batch": B,
                      "vocab": a.vocab, "params": ref.num_params(cfg), "steps": a.steps,
                      "median_step_ms": round(med * 1000, 2), "tokens_per_s": round(B * T / med, 1)}))


if __name__ == "__main__":
    main()
