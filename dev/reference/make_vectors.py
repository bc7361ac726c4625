"""make_vectors.py: regenerate every file in tests/vectors/ from the PyTorch reference.

    dev/reference/.venv/bin/python dev/reference/make_vectors.py [--out tests/vectors]

Deterministic: one CPU thread, torch.use_deterministic_algorithms, fixed seeds; running it
twice writes byte-identical files. See tests/vectors/README.md for the formats.
Besides writing, it checks (and fails loudly on): the explicit forward against torch's fused
ops, the hand-written AdamW against torch.optim.AdamW, file read-back, HF import/export
round trips, and this reference's forward against transformers' GPT2LMHeadModel.
The extended model (LoRA + a gated memory, ext_*) is checked against: a per-token loop
implementation of the memory layer, LoRA folded into the weights, finite differences (float64),
float64, torch.optim.AdamW, and a margin between the k-th and (k+1)-th memory score at every
lookup of every step (so that rounding cannot change which slots a C++ implementation selects).
"""
import argparse
import dataclasses
import math
import os
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt2_ref as ref  # noqa: E402
from export_hf import params_to_hf  # noqa: E402
from import_hf import hf_to_params  # noqa: E402

SEED_INIT = 1337
SEED_DATA = 42
SEED_HF = 7
B, T = 4, 64
HF_B, HF_T = 2, 32
STEPS = 10
TINY = dict(maxT=64, V=500, L=2, NH=4, C=64)
# the extended model: LoRA (rank 2, alpha 4) on every block, a gated memory in block 1
EXT = dict(maxT=32, V=200, L=2, NH=4, C=32, lora_rank=2, lora_alpha=4, mem_layers=0b10,
           mem_n_keys=8, mem_topk=4, mem_heads=2, mem_dk=8, mem_gated=1)
EXT_B, EXT_T = 2, 24
EXT_STEPS = 5
SEED_EXT = 2  # base init SEED_EXT, extensions SEED_EXT+1, tokens SEED_EXT+2: chosen for score margins
EXT_MIN_MARGIN = 2e-4  # required gap between the k-th and (k+1)-th memory score, every lookup and step


def tiny_batch(cfg):
    g = torch.Generator().manual_seed(SEED_DATA)
    seq = torch.randint(0, cfg.V, (B, T + 1), generator=g)
    # make sure the last real token (V-1, next to the padding) and token 0 occur as inputs and targets
    seq[0, 5] = cfg.V - 1
    seq[1, 17] = cfg.V - 1
    seq[2, 40] = 0
    seq[3, T] = cfg.V - 1
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous()


def to64(p):
    return {k: v.double() for k, v in p.items()}


def train(p0, cfg, x, y, steps, fast=False, infos=None):
    p = {k: v.clone() for k, v in p0.items()}
    opt = ref.AdamW(p)
    losses, norms = [], []
    for _ in range(steps):
        info = {} if infos is not None else None
        _, loss, grads = ref.forward_backward(p, cfg, x, y, fast=fast, info=info)
        if infos is not None:
            infos.append(info)
        losses.append(loss.item())
        norms.append(opt.step(p, grads))
    return losses, norms, p


def train_torch_optim(p0, cfg, x, y, steps):
    """the same run with torch.optim.AdamW and an explicit clip, to check ref.AdamW."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in p0.items()}
    decay = [leaves[k] for k in ref.param_names(cfg) if ref.is_decayed(k)]
    nodecay = [leaves[k] for k in ref.param_names(cfg) if not ref.is_decayed(k)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8, foreach=False)
    losses = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        _, loss = ref.forward(leaves, cfg, x, y)
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            norm = torch.sqrt(sum((v.grad * v.grad).sum() for v in leaves.values()))
            scale = min(1.0, 1.0 / norm.item())
            for v in leaves.values():
                v.grad.mul_(scale)
        opt.step()
    return losses, {k: v.detach() for k, v in leaves.items()}


def maxabs(a, b):
    return (a.double() - b.double()).abs().max().item()


def checksums(p):
    lines = []
    for k in ref.PARAM_NAMES:
        t = p[k].double()
        lines.append(f"{k} {t.sum().item():.9g} {t.abs().sum().item():.9g}")
    return lines


def ext_batch(cfg):
    g = torch.Generator().manual_seed(SEED_EXT + 2)
    seq = torch.randint(0, cfg.V, (EXT_B, EXT_T + 1), generator=g)
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous()


def memory_loop(p, cfg, l, h):
    """the memory layer of block l written token by token, head by head, slot by slot (float64),
    with a sort over all n_keys^2 slots: checks ref.memory_layer's tensor code"""
    pre = f"block{l}."
    P = {k[len(pre):]: v.double() for k, v in p.items() if k.startswith(pre)}
    H, dk, nk, k = cfg.mem_heads, cfg.mem_dk, cfg.mem_n_keys, cfg.mem_topk
    dkh = dk // 2
    B, T, C = h.shape
    out = torch.zeros(B, T, C, dtype=torch.float64)
    for b in range(B):
        for t in range(T):
            x = h[b, t].double()
            q = P["mem_wq"] @ x + P["mem_bq"]
            mem = torch.zeros(C, dtype=torch.float64)
            for hd in range(H):
                halves = []
                for half in range(2):
                    v = q[hd * dk + half * dkh: hd * dk + (half + 1) * dkh]
                    halves.append(v / torch.sqrt((v * v).mean() + ref.RMS_EPS))
                s1 = [float(P["mem_keys"][hd, 0, i] @ halves[0]) for i in range(nk)]
                s2 = [float(P["mem_keys"][hd, 1, j] @ halves[1]) for j in range(nk)]
                sc = sorted(((s1[i] + s2[j], i * nk + j) for i in range(nk) for j in range(nk)),
                            key=lambda e: (-e[0], e[1]))[:k]
                mx = sc[0][0]
                e = [math.exp(v - mx) for v, _ in sc]
                for (_, slot), ew in zip(sc, e):
                    mem += (ew / sum(e)) * P["mem_values"][slot]
            if cfg.mem_gated:
                z = P["mem_w1"] @ x
                mem = P["mem_w2"] @ (mem * z * torch.sigmoid(z))
            out[b, t] = mem
    return out


def ext_vectors(out):
    """the extended model's vectors: ext_model.bin, ext_debug.bin, ext_losses.txt (see README)"""
    print("\nextended model (LoRA + gated memory):")
    cfg = ref.Config(**EXT)
    p32 = ref.init_params(cfg, SEED_EXT)
    ref.init_extensions(p32, cfg, SEED_EXT + 1)
    assert list(p32) == ref.param_names(cfg)
    x, y = ext_batch(cfg)
    p64 = to64(p32)
    names = ref.param_names(cfg)

    # (a) the memory layer against the loop version, on a random input
    g = torch.Generator().manual_seed(SEED_EXT + 3)
    h = torch.randn(EXT_B, 3, cfg.C, generator=g, dtype=torch.float64)
    for l in range(cfg.L):
        if cfg.has_mem(l):
            d = maxabs(ref.memory_layer(p64, cfg, l, h), memory_loop(p64, cfg, l, h))
            assert d < 1e-12, f"memory layer disagrees with its loop version: {d}"
    # (b) LoRA folded into the weights (W += alpha/r * B A) gives the same logits without adapters
    nolora = dataclasses.replace(cfg, lora_rank=0, lora_alpha=0)
    merged = {k: v.clone() for k, v in p64.items() if not k.startswith("lora_")}
    for m, _, _ in ref.LORA_MATRICES:
        for l in range(cfg.L):
            merged[m + "w"][l] += (cfg.lora_alpha / cfg.lora_rank) * p64[f"lora_{m}_B"][l] @ p64[f"lora_{m}_A"][l]
    d = maxabs(ref.forward(merged, nolora, x)[0], ref.forward(p64, cfg, x)[0])
    assert d < 1e-12, f"LoRA forward disagrees with the folded weights: {d}"

    # (c) one forward/backward in float32 and float64; finite differences on the float64 one
    info32, info64 = {}, {}
    logits32, loss32, grads32 = ref.forward_backward(p32, cfg, x, y, info=info32)
    logits64, loss64, grads64 = ref.forward_backward(p64, cfg, x, y, info=info64)
    assert logits32[..., cfg.V:].abs().max() == 0 and grads32["wte"][cfg.V:].abs().max() == 0
    for k in names:
        assert grads32[k].abs().max() > 0, f"gradient of {k} is zero"
    g = torch.Generator().manual_seed(SEED_EXT + 4)
    groups = {"all": names, "lora": [k for k in names if k.startswith("lora_")],
              "memory": [k for k in names if k.startswith("block")]}
    for gname, keys in groups.items():
        dirs = {k: torch.randn(p64[k].shape, generator=g, dtype=torch.float64) for k in keys}
        eps = 1e-5

        def lossat(sign):
            q = {k: v + sign * eps * dirs[k] if k in dirs else v for k, v in p64.items()}
            return ref.forward(q, cfg, x, y)[1].item()
        fd = (lossat(1) - lossat(-1)) / (2 * eps)
        an = sum((grads64[k] * dirs[k]).sum().item() for k in keys)
        print(f"  finite differences ({gname}): {fd:.12g} vs backward {an:.12g}, rel {abs(fd - an) / abs(an):.3g}")
        assert abs(fd - an) <= 1e-6 * abs(an), f"finite differences disagree with the backward ({gname})"
    print(f"  loss: f32 {loss32.item():.9g}  f64 {loss64.item():.12g}  |diff| {abs(loss32.item() - loss64.item()):.3g}")
    print(f"  logits: max|diff| f32 vs f64 {maxabs(logits32[..., :cfg.V], logits64[..., :cfg.V]):.3g}")
    worst = 0.0
    for k in names:
        rel = maxabs(grads32[k], grads64[k]) / grads64[k].abs().max().item()
        worst = max(worst, rel)
        if k not in ref.PARAM_NAMES:
            print(f"    grad {k:18s} max|diff|/max|g64| {rel:.3g}")
    print(f"  grads: worst per-tensor max|diff|/max|g64| f32 vs f64 {worst:.3g}")

    # (d) EXT_STEPS AdamW steps (float32 written; float64 and torch.optim.AdamW to check)
    infos32, infos64 = [], []
    losses32, norms32, _ = train(p32, cfg, x, y, EXT_STEPS, infos=infos32)
    losses64, _, final64 = train(p64, cfg, x, y, EXT_STEPS, infos=infos64)
    losses_t, _ = train_torch_optim(p32, cfg, x, y, EXT_STEPS)
    _, final_t64 = train_torch_optim(p64, cfg, x, y, EXT_STEPS)
    for k in names:
        assert maxabs(final64[k], final_t64[k]) < 1e-12, f"AdamW disagrees with torch.optim.AdamW on {k}"
    assert max(abs(u - v) for u, v in zip(losses32, losses_t)) < 1e-5
    assert losses32[-1] < losses32[0] - 0.1
    margin = min(min(i["margin"]) for i in infos32)
    for i32, i64 in zip(infos32, infos64):
        assert all(torch.equal(a, b) for a, b in zip(i32["slots"], i64["slots"])), "f32 and f64 select other slots"
    assert margin >= EXT_MIN_MARGIN, f"a memory lookup is too close to a tie: margin {margin}"
    print("  step  loss_f32      loss_f64         |diff|    gradnorm_f32  min score margin")
    for i, (l32, l64, n32) in enumerate(zip(losses32, losses64, norms32)):
        print(f"  {i:4d}  {l32:.9g}  {l64:.12g}  {abs(l32 - l64):.3g}  {n32:.6g}  {min(infos32[i]['margin']):.3g}")
    print(f"  max |loss diff| ref.AdamW vs torch.optim.AdamW (f32): {max(abs(u - v) for u, v in zip(losses32, losses_t)):.3g}")
    assert any(n > 1 for n in norms32) and any(n < 1 for n in norms32), "both clip branches should be exercised"

    model_path = os.path.join(out, "ext_model.bin")
    debug_path = os.path.join(out, "ext_debug.bin")
    ref.write_checkpoint(model_path, p32, cfg)
    ref.write_debug_state(debug_path, cfg, x, y, logits32, loss32.item(), grads32)
    with open(os.path.join(out, "ext_losses.txt"), "w") as f:
        for l in losses32:
            f.write(f"{l:.9g}\n")
    rp, rcfg = ref.read_checkpoint(model_path)
    assert rcfg == cfg and list(rp) == names and all(torch.equal(rp[k], p32[k]) for k in names)
    rx, ry, rl, rloss, rg = ref.read_debug_state(debug_path, cfg)
    assert torch.equal(rx, x) and torch.equal(ry, y) and torch.equal(rl, logits32[..., :cfg.V])
    assert rloss == torch.tensor(loss32.item(), dtype=torch.float32).item()
    assert all(torch.equal(rg[k], grads32[k]) for k in names)
    print(f"  wrote ext_model.bin ({os.path.getsize(model_path)} bytes, {sum(v.numel() for v in p32.values())} "
          f"parameters), ext_debug.bin ({os.path.getsize(debug_path)} bytes), ext_losses.txt")


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "vectors"))
    a = ap.parse_args()
    out = os.path.normpath(a.out)
    os.makedirs(out, exist_ok=True)
    ref.make_deterministic(threads=1)
    report = []

    def say(s=""):
        print(s)
        report.append(s)

    # ------------------------------------------------------------------ 1. tiny model, one step
    cfg = ref.Config(**TINY)
    p32 = ref.init_params(cfg, SEED_INIT)
    x, y = tiny_batch(cfg)
    logits32, loss32, grads32 = ref.forward_backward(p32, cfg, x, y)
    assert grads32["wte"][cfg.V:].abs().max() == 0, "padded wte rows must get zero grad"
    assert logits32[..., cfg.V:].abs().max() == 0, "padded logits must be zero (wte rows are zero)"

    # the fused-ops path (used by the benchmark) must agree with the explicit one
    lf, lossf, gf = ref.forward_backward(p32, cfg, x, y, fast=True)
    assert maxabs(lf, logits32) < 1e-5 and abs(lossf.item() - loss32.item()) < 1e-5, "fast forward disagrees"
    for k in ref.PARAM_NAMES:
        assert maxabs(gf[k], grads32[k]) <= 1e-4 * grads32[k].abs().max().item() + 1e-9, f"fast grad {k}"

    model_path = os.path.join(out, "tiny_model.bin")
    debug_path = os.path.join(out, "tiny_debug.bin")
    ref.write_checkpoint(model_path, p32, cfg)
    ref.write_debug_state(debug_path, cfg, x, y, logits32, loss32.item(), grads32)
    # read back
    rp, rcfg = ref.read_checkpoint(model_path)
    assert rcfg == cfg and all(torch.equal(rp[k], p32[k]) for k in ref.PARAM_NAMES)
    rx, ry, rl, rloss, rg = ref.read_debug_state(debug_path, cfg)
    assert torch.equal(rx, x) and torch.equal(ry, y) and torch.equal(rl, logits32[..., :cfg.V])
    assert rloss == torch.tensor(loss32.item(), dtype=torch.float32).item()
    assert all(torch.equal(rg[k], grads32[k]) for k in ref.PARAM_NAMES)

    # ------------------------------------------------------------------ 2. float32 vs float64
    p64 = to64(p32)  # the very same initial values, upcast
    logits64, loss64, grads64 = ref.forward_backward(p64, cfg, x, y)
    say("float32 vs float64 (same fp32 initial weights upcast; torch CPU, explicit ops)")
    say(f"  loss: f32 {loss32.item():.9g}  f64 {loss64.item():.12g}  |diff| {abs(loss32.item() - loss64.item()):.3g}")
    say(f"  logits: max|diff| {maxabs(logits32[..., :cfg.V], logits64[..., :cfg.V]):.3g}  "
        f"(max|logit| {logits64.abs().max().item():.3g})")
    say("  grads: name  max|diff|  max|g64|  max|diff|/max|g64|  max elementwise |diff|/(|g64|+1e-3*max|g64|)")
    worst_rel = 0.0
    for k in ref.PARAM_NAMES:
        d = (grads32[k].double() - grads64[k]).abs()
        gmax = grads64[k].abs().max().item()
        rel = d.max().item() / gmax
        elem = (d / (grads64[k].abs() + 1e-3 * gmax)).max().item()
        worst_rel = max(worst_rel, rel)
        say(f"    {k:9s} {d.max().item():.3g}  {gmax:.3g}  {rel:.3g}  {elem:.3g}")
    say(f"  worst per-tensor max|diff|/max|g64|: {worst_rel:.3g}")

    # ------------------------------------------------------------------ 10 AdamW steps
    losses32, norms32, final32 = train(p32, cfg, x, y, STEPS)
    losses64, norms64, final64 = train(p64, cfg, x, y, STEPS)
    losses_t, final_t = train_torch_optim(p32, cfg, x, y, STEPS)
    _, final_t64 = train_torch_optim(p64, cfg, x, y, STEPS)
    for k in ref.PARAM_NAMES:  # the hand-written AdamW is torch.optim.AdamW (to rounding)
        assert maxabs(final64[k], final_t64[k]) < 1e-12, f"AdamW disagrees with torch.optim.AdamW on {k}"
    assert max(abs(u - v) for u, v in zip(losses32, losses_t)) < 1e-5
    assert losses32[-1] < losses32[0] - 0.1, "10 steps on one batch should lower the loss"
    with open(os.path.join(out, "tiny_losses.txt"), "w") as f:
        for l in losses32:
            f.write(f"{l:.9g}\n")
    with open(os.path.join(out, "tiny_final_checksums.txt"), "w") as f:
        f.write("# after 10 AdamW steps (fp32): name sum(p) sum(|p|), checkpoint order\n")
        f.write("\n".join(checksums(final32)) + "\n")
    say("")
    say("10 AdamW steps on the same batch (loss before each update)")
    say("  step  loss_f32      loss_f64         |diff|    gradnorm_f32")
    for i, (l32, l64, n32) in enumerate(zip(losses32, losses64, norms32)):
        say(f"  {i:4d}  {l32:.9g}  {l64:.12g}  {abs(l32 - l64):.3g}  {n32:.6g}")
    say(f"  max |loss diff| f32 vs f64: {max(abs(u - v) for u, v in zip(losses32, losses64)):.3g}")
    say(f"  max |loss diff| ref.AdamW vs torch.optim.AdamW (f32): "
        f"{max(abs(u - v) for u, v in zip(losses32, losses_t)):.3g}")
    fd = max(maxabs(final32[k], final64[k]) for k in ref.PARAM_NAMES)
    say(f"  final params max|diff| f32 vs f64: {fd:.3g}  (lr is 1e-3 a step)")
    cs32, cs64 = checksums(final32), checksums(final64)
    say("  final checksums f32 vs f64 (name: |d sum| |d sum_abs|):")
    for a32, a64 in zip(cs32, cs64):
        n, s1, a1 = a32.split()
        _, s2, a2 = a64.split()
        say(f"    {n:9s} {abs(float(s1) - float(s2)):.3g}  {abs(float(a1) - float(a2)):.3g}")

    # ------------------------------------------------------------------ 3. Hugging Face
    # (a) HF's own random init -> import -> export -> identical state dict; our forward == HF's
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(SEED_HF)
    hcfg = GPT2Config(vocab_size=500, n_positions=64, n_embd=64, n_layer=2, n_head=4,
                      bos_token_id=None, eos_token_id=None, attn_implementation="eager")
    hf_init = GPT2LMHeadModel(hcfg).eval()
    hp, hc = hf_to_params(hf_init)
    assert hc == cfg
    back = params_to_hf(hp, hc)
    sd1, sd2 = hf_init.state_dict(), back.state_dict()
    assert set(sd1) == set(sd2) and all(torch.equal(sd1[k], sd2[k]) for k in sd1), "HF->ours->HF not exact"
    # (b) ours -> export -> import: bit-exact; and the HF logits vector on the tiny weights
    hf = params_to_hf(p32, cfg)
    hf.config._attn_implementation = "eager"
    hp2, hc2 = hf_to_params(hf)
    assert hc2 == cfg and all(torch.equal(hp2[k], p32[k]) for k in ref.PARAM_NAMES), "ours->HF->ours not exact"
    with tempfile.TemporaryDirectory() as d:  # the on-disk path: save_pretrained / from_pretrained / CLI
        ref.write_checkpoint(os.path.join(d, "m.bin"), p32, cfg)
        for cmd in (["export_hf.py", f"{d}/m.bin", f"{d}/hf"], ["import_hf.py", f"{d}/hf", f"{d}/m2.bin"]):
            r = subprocess.run([sys.executable, os.path.join(here, cmd[0])] + cmd[1:], capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{cmd[0]} failed:\n{r.stdout}{r.stderr}")
        with open(f"{d}/m.bin", "rb") as f1, open(f"{d}/m2.bin", "rb") as f2:
            assert f1.read() == f2.read(), "export_hf.py then import_hf.py did not give back the same bytes"
    g = torch.Generator().manual_seed(SEED_DATA + 1)
    htok = torch.randint(0, cfg.V, (HF_B, HF_T), generator=g)
    htok[0, 3] = cfg.V - 1
    worst_hf = 0.0
    for model, params in ((hf_init, hp), (hf, p32)):
        with torch.no_grad():
            hl = model(htok).logits
            ol, _ = ref.forward(params, cfg, htok)
        d = maxabs(hl, ol[..., :cfg.V])
        worst_hf = max(worst_hf, d)
        assert d < 2e-5, f"reference forward disagrees with transformers: {d}"
    say("")
    say(f"HF: reference forward vs transformers GPT2LMHeadModel (eager), max|logit diff| {worst_hf:.3g}")
    # the import path from the HF model must reproduce tiny_model.bin byte for byte; the C++ test
    # then reads tiny_model.bin and compares its logits with transformers'.
    with torch.no_grad():
        hl = hf(htok).logits
    tmp = os.path.join(out, "hf_tiny_model.bin.tmp")
    ref.write_checkpoint(tmp, hp2, hc2)
    with open(tmp, "rb") as a, open(os.path.join(out, "tiny_model.bin"), "rb") as b:
        assert a.read() == b.read(), "HF import differs from tiny_model.bin"
    os.remove(tmp)
    ref.write_hf_logits(os.path.join(out, "hf_tiny_logits.bin"), htok, hl)
    rt, rlog = ref.read_hf_logits(os.path.join(out, "hf_tiny_logits.bin"))
    assert torch.equal(rt, htok) and torch.equal(rlog, hl)

    with open(os.path.join(out, "f32_vs_f64.txt"), "w") as f:
        f.write(f"# written by dev/reference/make_vectors.py (torch {torch.__version__}); "
                f"guides the C++ tests' tolerances\n")
        f.write("\n".join(report) + "\n")

    # ------------------------------------------------------------------ 4. LoRA and memory
    ext_vectors(out)
    total = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out))
    print(f"\nwrote {out}: {sorted(os.listdir(out))}, {total} bytes in all")
    assert total < 2_500_000, "tests/vectors should stay under 2.5 MB"


if __name__ == "__main__":
    main()
