"""gpt2_ref.py: independent PyTorch reference of the GPT-2 that the C++ trainer computes.

This is the oracle for the C++ tests: it is written from the model's definition
(llm.c's GPT-2), not from the C++ code. Everything here is functional: the
parameters are a dict of tensors named and ordered exactly like the checkpoint.

Checkpoint format (llm.c's, fp32):
    header: 256 int32: [0]=20240326 magic, [1]=3 (fp32), [2]=maxT, [3]=V, [4]=L,
            [5]=NH, [6]=C, [7]=Vp, rest 0
    then fp32 tensors, row-major, in param_names(cfg) order with param_shapes() shapes.
    Linear weights are (out, in) like torch.nn.Linear. Rows V..Vp-1 of wte are zero.

Model:
    x = wte[tok] + wpe[pos]
    per layer: x += attproj(causal_attention(qkv(LN1(x))));  x += fcproj(gelu_tanh(fc(LN2(x))))
    logits = LNf(x) @ wte^T                          (B, T, Vp)
    loss = mean cross-entropy over B*T positions using only logits[..., :V]

Optimizer (the project's AdamW), see adamw_step(): global grad-norm clipping to 1.0
as grads *= min(1, 1/norm) (no +1e-6 as torch.nn.utils.clip_grad_norm_ does),
then bias-corrected Adam with decoupled weight decay on the matrices only.

Extensions (the project's LoRA adapters and product-key memory layers), written from their
definitions (Hu et al. 2021; Lample et al. 2019, Memory+ gating of Berges et al. 2024):
    checkpoint header [8]=1 marks them, [9] LoRA rank r, [10] LoRA alpha, [11] bitmask of the
    blocks with a memory, [12] n_keys, [13] top-k, [14] memory heads H, [15] query width per head
    dk, [16] gated; their tensors follow the 16 base tensors, in param_names(cfg) order:
    lora_<m>_A (L, r, in), lora_<m>_B (L, out, r) for m = qkv, attproj, fc, fcproj (A then B),
    then per memory block l (ascending): block<l>.mem_wq (H*dk, C), mem_bq (H*dk),
    mem_keys (H, 2, n_keys, dk/2), [mem_w1 (C, C), mem_w2 (C, C) if gated], mem_values (n_keys^2, C).
    LoRA: each of the four linear layers of every block gets + (alpha/r) * (x A^T) B^T.
    Memory in block l, beside the MLP, reading LN2's output h; after x += MLP(h), x += mem(h):
        q = h Wq^T + bq; per head, each half q1, q2 (dk/2) RMS-normalised q / sqrt(mean(q^2) + 1e-6);
        score(slot i*n_keys + j) = K1[i].q1 + K2[j].q2; the top-k slots over all n_keys^2
        (brute force here: product keys make it the same set); w = softmax of their scores;
        mem = sum over heads and selected slots of w * values[slot];
        out = mem, or gated: out = (mem * silu(h W1^T)) W2^T.
    AdamW decays the memory's wq, keys, w1, w2 (not bq, values) and no LoRA tensor.
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
    # extensions (0 = absent): LoRA on qkv, attproj, fc, fcproj of every block; memory layers
    lora_rank: int = 0
    lora_alpha: int = 0
    mem_layers: int = 0   # bit l set: block l has a memory layer
    mem_n_keys: int = 0
    mem_topk: int = 0
    mem_heads: int = 0
    mem_dk: int = 0
    mem_gated: int = 0

    def __post_init__(self):
        if self.Vp == 0:
            self.Vp = pad_vocab(self.V)
        assert self.C % self.NH == 0, "C must be a multiple of NH"
        assert self.Vp >= self.V
        assert self.mem_layers >> self.L == 0
        if self.mem_layers:
            assert self.mem_dk % 2 == 0 and 0 < self.mem_topk <= self.mem_n_keys and self.mem_heads > 0

    @property
    def extended(self):
        return self.lora_rank > 0 or self.mem_layers != 0

    def has_mem(self, l):
        return (self.mem_layers >> l) & 1 == 1


# the adapted linear layers of a block: name, (in, out) in multiples of C
LORA_MATRICES = [("qkv", 1, 3), ("attproj", 1, 1), ("fc", 1, 4), ("fcproj", 4, 1)]
MEM_DECAY = {"mem_wq", "mem_keys", "mem_w1", "mem_w2"}  # not mem_bq, mem_values
RMS_EPS = 1e-6  # inside the memory query's RMS normalisation


def mem_tensor_shapes(cfg):
    C, H, dk, nk = cfg.C, cfg.mem_heads, cfg.mem_dk, cfg.mem_n_keys
    d = {"mem_wq": (H * dk, C), "mem_bq": (H * dk,), "mem_keys": (H, 2, nk, dk // 2)}
    if cfg.mem_gated:
        d["mem_w1"] = (C, C)
        d["mem_w2"] = (C, C)
    d["mem_values"] = (nk * nk, C)
    return d


def param_shapes(cfg):
    """every tensor's shape, in checkpoint order (the 16 base tensors, then LoRA's, then memory's)"""
    L, C, maxT, Vp = cfg.L, cfg.C, cfg.maxT, cfg.Vp
    d = {
        "wte": (Vp, C), "wpe": (maxT, C),
        "ln1w": (L, C), "ln1b": (L, C),
        "qkvw": (L, 3 * C, C), "qkvb": (L, 3 * C),
        "attprojw": (L, C, C), "attprojb": (L, C),
        "ln2w": (L, C), "ln2b": (L, C),
        "fcw": (L, 4 * C, C), "fcb": (L, 4 * C),
        "fcprojw": (L, C, 4 * C), "fcprojb": (L, C),
        "lnfw": (C,), "lnfb": (C,),
    }
    r = cfg.lora_rank
    if r:
        for m, i, o in LORA_MATRICES:
            d[f"lora_{m}_A"] = (L, r, i * C)
            d[f"lora_{m}_B"] = (L, o * C, r)
    for l in range(L):
        if cfg.has_mem(l):
            for k, shape in mem_tensor_shapes(cfg).items():
                d[f"block{l}.{k}"] = shape
    return d


def param_names(cfg):
    return list(param_shapes(cfg).keys())


def is_decayed(name):
    """AdamW's weight decay: the base matrices and the memory's wq, keys, w1, w2"""
    if name in DECAY_NAMES:
        return True
    return name.startswith("block") and name.split(".", 1)[1] in MEM_DECAY


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


def init_extensions(p, cfg, seed, lora_b_std=0.05, bq_std=0.02, values_std=None):
    """Random LoRA and memory tensors (into p, in param_names order). LoRA: A ~ U(+-1/sqrt(in)),
    B ~ N(0, lora_b_std) (nonzero, unlike a fresh adapter, so that every path is exercised).
    Memory: wq, w1, w2 ~ U(+-1/sqrt(C)), bq ~ N(0, bq_std), keys ~ U(+-1/sqrt(dk/2)),
    values ~ N(0, values_std or 1/sqrt(C))."""
    g = torch.Generator().manual_seed(seed)
    shapes = param_shapes(cfg)
    C = cfg.C

    def unif(shape, a):
        return (2 * torch.rand(shape, generator=g) - 1) * a

    for name in param_names(cfg)[len(PARAM_NAMES):]:
        shape = shapes[name]
        if name.startswith("lora_"):
            t = unif(shape, 1 / math.sqrt(shape[2])) if name.endswith("_A") else lora_b_std * torch.randn(shape, generator=g)
        else:
            k = name.split(".", 1)[1]
            if k in ("mem_wq", "mem_w1", "mem_w2"):
                t = unif(shape, 1 / math.sqrt(C))
            elif k == "mem_bq":
                t = bq_std * torch.randn(shape, generator=g)
            elif k == "mem_keys":
                t = unif(shape, 1 / math.sqrt(cfg.mem_dk // 2))
            else:
                t = (values_std or 1 / math.sqrt(C)) * torch.randn(shape, generator=g)
        p[name] = t.to(torch.float32).contiguous()
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


def linear(p, cfg, l, m, h, wname, bname):
    """block l's linear layer m (qkv, attproj, fc, fcproj) with its LoRA adapter if any"""
    y = h @ p[wname][l].t() + p[bname][l]
    if cfg.lora_rank:
        A, Bm = p[f"lora_{m}_A"][l], p[f"lora_{m}_B"][l]
        y = y + (cfg.lora_alpha / cfg.lora_rank) * ((h @ A.t()) @ Bm.t())
    return y


def memory_layer(p, cfg, l, h, info=None):
    """the product-key memory of block l on h (B, T, C) (the LN2 output); returns (B, T, C).
    Top-k by brute force over all n_keys^2 slot scores. info (dict or None) collects, per
    lookup, the selected slots and the margin between the k-th and (k+1)-th best score."""
    B, T, C = h.shape
    H, dk, nk, k = cfg.mem_heads, cfg.mem_dk, cfg.mem_n_keys, cfg.mem_topk
    pre = f"block{l}."
    q = h @ p[pre + "mem_wq"].t() + p[pre + "mem_bq"]                      # (B, T, H*dk)
    q = q.view(B, T, H, 2, dk // 2)
    qn = q * torch.rsqrt((q * q).mean(-1, keepdim=True) + RMS_EPS)        # each half RMS-normalised
    keys = p[pre + "mem_keys"]                                             # (H, 2, nk, dk/2)
    s = (qn.unsqueeze(-2) * keys).sum(-1)                                  # (B, T, H, 2, nk)
    scores = (s[..., 0, :, None] + s[..., 1, None, :]).reshape(B, T, H, nk * nk)  # slot i*nk + j
    top, sel = scores.topk(min(k + 1, nk * nk), dim=-1)                    # sorted, best first
    if info is not None:
        info.setdefault("slots", []).append(sel[..., :k].detach().clone())
        if k < nk * nk:
            info.setdefault("margin", []).append((top[..., k - 1] - top[..., k]).detach().min().item())
    top, sel = top[..., :k], sel[..., :k]
    w = torch.softmax(top, dim=-1)                                         # (B, T, H, k)
    vals = p[pre + "mem_values"][sel]                                      # (B, T, H, k, C)
    mem = (w.unsqueeze(-1) * vals).sum(dim=(2, 3))                         # heads and slots summed
    if not cfg.mem_gated:
        return mem
    z = h @ p[pre + "mem_w1"].t()
    return (mem * (z * torch.sigmoid(z))) @ p[pre + "mem_w2"].t()


def forward(p, cfg, idx, targets=None, fast=False, info=None):
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
        qkv = linear(p, cfg, l, "qkv", h, "qkvw", "qkvb")
        if fast:
            q, k, v = qkv.split(C, dim=2)
            hs = C // cfg.NH
            q, k, v = (t.view(B, T, cfg.NH, hs).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(B, T, C)
        else:
            y = causal_attention(qkv, cfg.NH)
        x = x + linear(p, cfg, l, "attproj", y, "attprojw", "attprojb")
        if fast:
            h2 = F.layer_norm(x, (C,), p["ln2w"][l], p["ln2b"][l], LN_EPS)
        else:
            h2 = layernorm(x, p["ln2w"][l], p["ln2b"][l])
        fc = linear(p, cfg, l, "fc", h2, "fcw", "fcb")
        fc = F.gelu(fc, approximate="tanh") if fast else gelu_tanh(fc)
        x = x + linear(p, cfg, l, "fcproj", fc, "fcprojw", "fcprojb")
        if cfg.has_mem(l):  # beside the MLP, on the same input, added after it
            x = x + memory_layer(p, cfg, l, h2, info)
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


def forward_backward(p, cfg, idx, targets, fast=False, info=None):
    """Returns (logits, loss, grads dict in param_names order); p is not modified."""
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in p.items()}
    logits, loss = forward(leaves, cfg, idx, targets, fast=fast, info=info)
    loss.backward()
    grads = {k: leaves[k].grad.detach() for k in param_names(cfg)}
    return logits.detach(), loss.detach(), grads


# ----------------------------------------------------------------------------- optimizer

class AdamW:
    """The project's AdamW, written out (torch.optim.AdamW gives the same to rounding):
        norm = sqrt(sum over every gradient element of g^2);  g *= min(1, max_norm/norm)
        m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
        mhat = m/(1-b1^t);  vhat = v/(1-b2^t)
        p -= lr * (mhat/(sqrt(vhat)+eps) + wd*p)   (wd only where is_decayed(name))"""

    def __init__(self, p, lr=1e-3, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, max_norm=1.0):
        self.lr, self.b1, self.b2, self.eps, self.wd, self.max_norm = lr, beta1, beta2, eps, weight_decay, max_norm
        self.m = {k: torch.zeros_like(v) for k, v in p.items()}
        self.v = {k: torch.zeros_like(v) for k, v in p.items()}
        self.t = 0
        self.names = list(p.keys())

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
            for k in self.names:
                g = grads[k] * scale
                m, v = self.m[k], self.v[k]
                m.mul_(self.b1).add_((1.0 - self.b1) * g)
                v.mul_(self.b2).add_((1.0 - self.b2) * g * g)
                mhat = m / bc1
                vhat = v / bc2
                wd = self.wd if is_decayed(k) else 0.0
                p[k].sub_(self.lr * (mhat / (torch.sqrt(vhat) + self.eps) + wd * p[k]))
        return norm.item()


# ----------------------------------------------------------------------------- file I/O

def _header(values):
    h = np.zeros(256, dtype=np.int32)
    h[:len(values)] = values
    return h.tobytes()


def _ckpt_header(cfg):
    h = [CKPT_MAGIC, CKPT_VERSION_FP32, cfg.maxT, cfg.V, cfg.L, cfg.NH, cfg.C, cfg.Vp]
    if cfg.extended:
        h += [1, cfg.lora_rank, cfg.lora_alpha, cfg.mem_layers, cfg.mem_n_keys, cfg.mem_topk,
              cfg.mem_heads, cfg.mem_dk, cfg.mem_gated]
    return _header(h)


def write_checkpoint(path, p, cfg):
    shapes = param_shapes(cfg)
    with open(path, "wb") as f:
        f.write(_ckpt_header(cfg))
        for name in param_names(cfg):
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
        ext = {}
        if h[8] == 1:
            ext = dict(lora_rank=int(h[9]), lora_alpha=int(h[10]), mem_layers=int(h[11]), mem_n_keys=int(h[12]),
                       mem_topk=int(h[13]), mem_heads=int(h[14]), mem_dk=int(h[15]), mem_gated=int(h[16]))
        elif h[8] != 0:
            raise ValueError(f"{path}: unknown extension marker {h[8]}")
        cfg = Config(maxT=int(h[2]), V=int(h[3]), L=int(h[4]), NH=int(h[5]), C=int(h[6]), Vp=int(h[7]), **ext)
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
    logits (B*T*V fp32, unpadded), loss (1 fp32), gradients in checkpoint order/shapes
    (param_names(cfg): with extensions, their gradients follow the base ones)."""
    B, T = x.shape
    with open(path, "wb") as f:
        f.write(_header([DEBUG_MAGIC, DEBUG_VERSION, B, T]))
        f.write(x.to(torch.int32).numpy().tobytes())
        f.write(y.to(torch.int32).numpy().tobytes())
        f.write(logits[..., :cfg.V].to(torch.float32).contiguous().numpy().tobytes())
        f.write(np.array([float(loss)], dtype=np.float32).tobytes())
        shapes = param_shapes(cfg)
        for name in param_names(cfg):
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
