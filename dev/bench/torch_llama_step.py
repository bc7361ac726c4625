"""torch_llama_step.py: time training steps of SmolLM2-135M-Instruct (dequantised from its GGUF) in
PyTorch eager on the CPU, for comparison with `./train inject --init-ckpt models/...gguf` at the same
batch, context and threads.

    dev/reference/.venv/bin/python dev/bench/torch_llama_step.py --batch 4 --context 256 --threads 2 \
        --mode full --dtype fp32 --steps 4

Modes: full (every weight trains: forward, backward, clip, AdamW lr 1e-5), lora (rank-8 adapters,
alpha 16, on q/k/v/o/gate/up/down of every block, written here in a few lines; the base frozen).
dtype bf16: torch.autocast(cpu, bfloat16) around forward and loss, fp32 master weights, as
--dtype bf16 does. Random tokens, fresh each step; the first --warmup steps are not timed. Last line:
JSON with tokens_per_s (median of the timed steps).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import llama_ref  # noqa: E402


class LoRA(torch.nn.Module):
    def __init__(self, base, r):
        super().__init__()
        self.base, self.scale = base, 16.0 / r
        self.A = torch.nn.Parameter(torch.empty(r, base.in_features).uniform_(-base.in_features ** -0.5, base.in_features ** -0.5))
        self.B = torch.nn.Parameter(torch.zeros(base.out_features, r))

    def forward(self, x):
        return self.base(x) + (x @ self.A.t() @ self.B.t()) * self.scale


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", default="models/SmolLM2-135M-Instruct.Q4_1.gguf")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--context", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", choices=["full", "lora"], default="full")
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    _, model, _ = llama_ref.load_smollm2(a.gguf)
    model.config._attn_implementation = "sdpa"
    model.train()
    if a.mode == "lora":
        for p in model.parameters():
            p.requires_grad_(False)
        for layer in model.model.layers:
            for mod, names in ((layer.self_attn, ("q_proj", "k_proj", "v_proj", "o_proj")), (layer.mlp, ("gate_proj", "up_proj", "down_proj"))):
                for n in names:
                    setattr(mod, n, LoRA(getattr(mod, n), 8))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-5, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0, foreach=True)
    V, B, T = model.config.vocab_size, a.batch, a.context
    times = []
    for step in range(a.warmup + a.steps):
        x = torch.randint(0, V, (B, T))
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            loss = model(input_ids=x, labels=x).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        dt = time.perf_counter() - t0
        if step >= a.warmup:
            times.append(dt)
            print("step %d: %.0f ms, %.0f tokens/s, loss %.4f" % (step, dt * 1000, B * T / dt, loss.item()), flush=True)
    med = statistics.median(times)
    print(json.dumps({"mode": a.mode, "dtype": a.dtype, "batch": B, "context": T, "threads": a.threads,
                      "ms_per_step": round(med * 1000, 1), "tokens_per_s": round(B * T / med, 1),
                      "trainable_params": sum(p.numel() for p in params), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
