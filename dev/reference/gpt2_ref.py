"""gpt2_ref.py: independent PyTorch reference of the GPT-2 that the C++ trainer computes.

This is the oracle for the C++ tests: it is written from the model's definition
(llm.c's GPT-2), not from the C++ code. Everything here is functional: the
parameters are a dict of tensors named and ordered exactly like the checkpoint.

Checkpoint format (llm.c's, fp32):
    header: 256 int32: [0]=20240326 magic, [1]=3 (fp32), [2]=maxT, [3]=V, [4]=L,
            [5]=NH, [6]=C, [7]=Vp, rest 0
    then fp32 tensors, row-major, in PARAM_NAMES order with param_shapes() shapes.
    Linear weights are (out, in) like torch.nn.Linear. Rows V..Vp-1 of wte are zero.

Model:
    x = wte[tok] + wpe[pos]
    per layer: x += attproj(causal_attention(qkv(LN1(x))));  x += fcproj(gelu_tanh(fc(LN2(x))))
    logits = LNf(x) @ wte^T                          (B, T, Vp)
    loss = mean cross-entropy over B*T positions using only logits[..., :V]

Optimizer (the project's AdamW), see adamw_step(): global grad-norm clipping to 1.0
as grads *= min(1, 1/norm) (no +1e-6 as torch.nn.utils.clip_grad_norm_ does),
then bias-corrected Adam with decoupled weight decay on the matrices only.
"""
import math
import struct
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

CKPT_MAGIC = 20240326
CKPT_VERSION_FP32 = 3
DEBUG_MAGIC = 20240327
DEBUG_VERSION = 2
HF_LOGITS_MAGIC = 20240330
HF_LOGITS_VERSION = 1

PARAM_NAMES = ["wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb",
               "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb"]
# the parameters that get weight decay (the matrices); biases, LayerNorm and wpe do not
DECAY_NAMES = {"wte", "qkvw", "attprojw", "fcw", "fcprojw"}
LN_EPS = 1e-5


def pad_vocab(V, multiple=128):
    return ((V + multiple - 1) // multiple) * multiple


@dataclass
class Config:
    maxT: int
    V: int
    L: int
    NH: int
    C: int
    Vp: int = 0

    def __post_init__(self):
        if self.Vp == 0:
            self.Vp = pad_vocab(self.V)
        assert self.C % self.NH == 0, "C must be a multiple of NH"
        assert self.Vp >= self.V


def param_shapes(cfg):
    L, C, maxT, Vp = cfg.L, cfg.C, cfg.maxT, cfg.Vp
    return {
        "wte": (Vp, C), "wpe": (maxT, C),
        "ln1w": (L, C), "ln1b": (L, C),
        "qkvw": (L, 3 * C, C), "qkvb": (L, 3 * C),
        "attprojw": (L, C, C), "attprojb": (L, C),
        "ln2w": (L, C), "ln2b": (L, C),
        "fcw": (L, 4 * C, C), "fcb": (L, 4 * C),
        "fcprojw": (L, C, 4 * C), "fcprojb": (L, C),
        "lnfw": (C,), "lnfb": (C,),
    }


def num_params(cfg):
    return sum(math.prod(s) for s in param_shapes(cfg).values())


# ----------------------------------------------------------------------------- init

def init_params(cfg, seed, ln_noise=0.1, bias_std=0.02, std=0.02, scale_residual=True):
    """Random fp32 parameters from a fixed seed (CPU generator: reproducible).

    Matrices and embeddings ~ N(0, std); the residual projections (attprojw, fcprojw)
    scaled by 1/sqrt(2L) like GPT-2 when scale_residual. LayerNorm weights
    1 + N(0, ln_noise), every bias and LayerNorm bias ~ N(0, bias_std), so that the
    LayerNorm parameters and biases are really exercised. Padded wte rows are zero."""
    g = torch.Generator().manual_seed(seed)
    shapes = param_shapes(cfg)
    p = {}
    for name in PARAM_NAMES:
        shape = shapes[name]
        if name in ("ln1w", "ln2w", "lnfw"):
            t = 1.0 + ln_noise * torch.randn(shape, generator=g)
        elif name in ("ln1b", "ln2b", "lnfb", "qkvb", "attprojb", "fcb", "fcprojb"):
            t = bias_std * torch.randn(shape, generator=g)
        else:
            s = std
            if scale_residual and name in ("attprojw", "fcprojw"):
                s = std / math.sqrt(2 * cfg.L)
            t = s * torch.randn(shape, generator=g)
        p[name] = t.to(torch.float32).contiguous()
    p["wte"][cfg.V:].zero_()
    return p


# ----------------------------------------------------------------------------- forward

def layernorm(x, w, b):
    """Explicit LayerNorm over the last axis: biased variance, eps 1e-5 inside the sqrt."""
    mean = x.mean(-1, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(-1, keepdim=True)
    rstd = torch.rsqrt(var + LN_EPS)
    return xc * rstd * w + b


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


def causal_attention(qkv, NH):
    """qkv: (B, T, 3C), q, k, v in that order; each C split into NH heads of hs contiguous channels."""
    B, T, C3 = qkv.shape
    C = C3 // 3
    hs = C // NH
    q, k, v = qkv.split(C, dim=2)
    q = q.view(B, T, NH, hs).transpose(1, 2)  # (B, NH, T, hs)
    k = k.view(B, T, NH, hs).transpose(1, 2)
    v = v.view(B, T, NH, hs).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
    mask = torch.ones(T, T, dtype=torch.bool, device=qkv.device).tril()
    att = att.masked_fill(~mask, float("-inf"))
    att = torch.softmax(att, dim=-1)
    y = att @ v  # (B, NH, T, hs)
    return y.transpose(1, 2).contiguous().view(B, T, C)


def forward(p, cfg, idx, targets=None, fast=False):
    """Returns (logits (B, T, Vp), loss or None). fast=True uses torch's fused ops
    (F.layer_norm, scaled_dot_product_attention, F.gelu, F.cross_entropy): same maths,
    used by the benchmark; the default spells every operation out."""
    B, T = idx.shape
    assert T <= cfg.maxT
    C = cfg.C
    pos = torch.arange(T, device=idx.device)
    x = p["wte"][idx] + p["wpe"][pos]
    for l in range(cfg.L):
        if fast:
            h = F.layer_norm(x, (C,), p["ln1w"][l], p["ln1b"][l], LN_EPS)
        else:
            h = layernorm(x, p["ln1w"][l], p["ln1b"][l])
        qkv = h @ p["qkvw"][l].t() + p["qkvb"][l]
        if fast:
            q, k, v = qkv.split(C, dim=2)
            hs = C // cfg.NH
            q, k, v = (t.view(B, T, cfg.NH, hs).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(B, T, C)
        else:
            y = causal_attention(qkv, cfg.NH)
        x = x + (y @ p["attprojw"][l].t() + p["attprojb"][l])
        if fast:
            h2 = F.layer_norm(x, (C,), p["ln2w"][l], p["ln2b"][l], LN_EPS)
        else:
            h2 = layernorm(x, p["ln2w"][l], p["ln2b"][l])
        fc = h2 @ p["fcw"][l].t() + p["fcb"][l]
        fc = F.gelu(fc, approximate="tanh") if fast else gelu_tanh(fc)
        x = x + (fc @ p["fcprojw"][l].t() + p["fcprojb"][l])
    if fast:
        x = F.layer_norm(x, (C,), p["lnfw"], p["lnfb"], LN_EPS)
    else:
        x = layernorm(x, p["lnfw"], p["lnfb"])
    logits = x @ p["wte"].t()  # (B, T, Vp)
    loss = None
    if targets is not None:
        lv = logits[..., :cfg.V]
        if fast:
            loss = F.cross_entropy(lv.reshape(-1, cfg.V), targets.reshape(-1))
        else:
            logp = torch.log_softmax(lv, dim=-1)
            loss = -logp.gather(-1, targets.unsqueeze(-1)).mean()
    return logits, loss


def forward_backward(p, cfg, idx, targets, fast=False):
    """Returns (logits, loss, grads dict); p is not modified."""
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in p.items()}
    logits, loss = forward(leaves, cfg, idx, targets, fast=fast)
    loss.backward()
    grads = {k: leaves[k].grad.detach() for k in PARAM_NAMES}
    return logits.detach(), loss.detach(), grads


# ----------------------------------------------------------------------------- optimizer

class AdamW:
    """The project's AdamW, written out (torch.optim.AdamW gives the same to rounding):
        norm = sqrt(sum over every gradient element of g^2);  g *= min(1, max_norm/norm)
        m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
        mhat = m/(1-b1^t);  vhat = v/(1-b2^t)
        p -= lr * (mhat/(sqrt(vhat)+eps) + wd*p)   (wd only for DECAY_NAMES)"""

    def __init__(self, p, lr=1e-3, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, max_norm=1.0):
        self.lr, self.b1, self.b2, self.eps, self.wd, self.max_norm = lr, beta1, beta2, eps, weight_decay, max_norm
        self.m = {k: torch.zeros_like(v) for k, v in p.items()}
        self.v = {k: torch.zeros_like(v) for k, v in p.items()}
        self.t = 0

    @staticmethod
    def grad_norm(grads):
        return torch.sqrt(sum((g * g).sum() for g in grads.values()))

    def step(self, p, grads):
        """Updates p in place; returns the gradient norm before clipping."""
        self.t += 1
        norm = self.grad_norm(grads)
        scale = min(1.0, self.max_norm / norm.item()) if self.max_norm > 0 else 1.0
        bc1 = 1.0 - self.b1 ** self.t
        bc2 = 1.0 - self.b2 ** self.t
        with torch.no_grad():
            for k in PARAM_NAMES:
                g = grads[k] * scale
                m, v = self.m[k], self.v[k]
                m.mul_(self.b1).add_((1.0 - self.b1) * g)
                v.mul_(self.b2).add_((1.0 - self.b2) * g * g)
                mhat = m / bc1
                vhat = v / bc2
                wd = self.wd if k in DECAY_NAMES else 0.0
                p[k].sub_(self.lr * (mhat / (torch.sqrt(vhat) + self.eps) + wd * p[k]))
        return norm.item()


# ----------------------------------------------------------------------------- file I/O

def _header(values):
    h = np.zeros(256, dtype=np.int32)
    h[:len(values)] = values
    return h.tobytes()


def write_checkpoint(path, p, cfg):
    shapes = param_shapes(cfg)
    with open(path, "wb") as f:
        f.write(_header([CKPT_MAGIC, CKPT_VERSION_FP32, cfg.maxT, cfg.V, cfg.L, cfg.NH, cfg.C, cfg.Vp]))
        for name in PARAM_NAMES:
            t = p[name].detach().to(torch.float32).cpu().contiguous()
            assert tuple(t.shape) == shapes[name], (name, t.shape, shapes[name])
            f.write(t.numpy().tobytes())


def read_checkpoint(path):
    with open(path, "rb") as f:
        h = np.frombuffer(f.read(1024), dtype=np.int32)
        if h[0] != CKPT_MAGIC:
            raise ValueError(f"{path}: bad magic {h[0]} (want {CKPT_MAGIC})")
        if h[1] != CKPT_VERSION_FP32:
            raise ValueError(f"{path}: version {h[1]} is not fp32 (3)")
        cfg = Config(maxT=int(h[2]), V=int(h[3]), L=int(h[4]), NH=int(h[5]), C=int(h[6]), Vp=int(h[7]))
        p = {}
        for name, shape in param_shapes(cfg).items():
            n = math.prod(shape)
            buf = f.read(4 * n)
            if len(buf) != 4 * n:
                raise ValueError(f"{path}: truncated in {name}")
            p[name] = torch.from_numpy(np.frombuffer(buf, dtype=np.float32).copy()).view(shape)
        if f.read(1):
            raise ValueError(f"{path}: trailing bytes after the parameters")
    return p, cfg


def write_debug_state(path, cfg, x, y, logits, loss, grads):
    """llm.c's debug state: header [0]=20240327, [1]=2, [2]=B, [3]=T; then x, y (B*T int32),
    logits (B*T*V fp32, unpadded), loss (1 fp32), gradients in checkpoint order/shapes."""
    B, T = x.shape
    with open(path, "wb") as f:
        f.write(_header([DEBUG_MAGIC, DEBUG_VERSION, B, T]))
        f.write(x.to(torch.int32).numpy().tobytes())
        f.write(y.to(torch.int32).numpy().tobytes())
        f.write(logits[..., :cfg.V].to(torch.float32).contiguous().numpy().tobytes())
        f.write(np.array([float(loss)], dtype=np.float32).tobytes())
        shapes = param_shapes(cfg)
        for name in PARAM_NAMES:
            g = grads[name].to(torch.float32).contiguous()
            assert tuple(g.shape) == shapes[name]
            f.write(g.numpy().tobytes())


def read_debug_state(path, cfg):
    with open(path, "rb") as f:
        h = np.frombuffer(f.read(1024), dtype=np.int32)
        assert h[0] == DEBUG_MAGIC and h[1] == DEBUG_VERSION, "bad debug state header"
        B, T = int(h[2]), int(h[3])
        x = torch.from_numpy(np.frombuffer(f.read(4 * B * T), dtype=np.int32).astype(np.int64)).view(B, T)
        y = torch.from_numpy(np.frombuffer(f.read(4 * B * T), dtype=np.int32).astype(np.int64)).view(B, T)
        logits = torch.from_numpy(np.frombuffer(f.read(4 * B * T * cfg.V), dtype=np.float32).copy()).view(B, T, cfg.V)
        loss = float(np.frombuffer(f.read(4), dtype=np.float32)[0])
        grads = {}
        for name, shape in param_shapes(cfg).items():
            n = math.prod(shape)
            grads[name] = torch.from_numpy(np.frombuffer(f.read(4 * n), dtype=np.float32).copy()).view(shape)
        assert not f.read(1)
    return x, y, logits, loss, grads


def write_hf_logits(path, tokens, logits):
    """header [0]=20240330, [1]=1, [2]=B, [3]=T, [4]=V; tokens (B*T int32); logits (B*T*V fp32)."""
    B, T = tokens.shape
    V = logits.shape[-1]
    with open(path, "wb") as f:
        f.write(_header([HF_LOGITS_MAGIC, HF_LOGITS_VERSION, B, T, V]))
        f.write(tokens.to(torch.int32).numpy().tobytes())
        f.write(logits.to(torch.float32).contiguous().numpy().tobytes())


def read_hf_logits(path):
    with open(path, "rb") as f:
        h = np.frombuffer(f.read(1024), dtype=np.int32)
        assert h[0] == HF_LOGITS_MAGIC and h[1] == HF_LOGITS_VERSION
        B, T, V = int(h[2]), int(h[3]), int(h[4])
        tok = torch.from_numpy(np.frombuffer(f.read(4 * B * T), dtype=np.int32).astype(np.int64)).view(B, T)
        logits = torch.from_numpy(np.frombuffer(f.read(4 * B * T * V), dtype=np.float32).copy()).view(B, T, V)
        assert not f.read(1)
    return tok, logits


def make_deterministic(threads=1):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="forward a checkpoint on random tokens and print the loss")
    ap.add_argument("checkpoint")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    make_deterministic()
    params, config = read_checkpoint(a.checkpoint)
    gen = torch.Generator().manual_seed(a.seed)
    toks = torch.randint(0, config.V, (a.batch, a.seq + 1), generator=gen)
    _, l = forward(params, config, toks[:, :-1], toks[:, 1:])
    print(f"config {config}; params {num_params(config)}; loss {l.item():.6f}")
