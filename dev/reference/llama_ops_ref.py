"""llama_ops_ref.py: PyTorch oracle for the Llama-family ops (RMSNorm, RoPE, SwiGLU, grouped-query
attention); writes tests/vectors/llama_ops.bin, which tests/test_llama_ops.cpp reads.

    dev/reference/.venv/bin/python dev/reference/llama_ops_ref.py [--out tests/vectors/llama_ops.bin]

Deterministic (fixed seeds, one thread): running it twice writes byte-identical files. Inputs are
drawn in float64 and rounded to float32 (what the file holds, so the C++ side starts from the same
values); the ops then run in float64 (forward + autograd backward) and the results are rounded to
float32, except RMSNorm, which is transformers' LlamaRMSNorm itself (it computes in float32).
The ops as the Llama reference code writes them:
  RMSNorm   transformers' LlamaRMSNorm (weight only, eps 1e-5);
  RoPE      interleaved pairs (2i, 2i+1) by complex multiplication, as Meta's original llama
            (precompute_freqs_cis / apply_rotary_emb), theta 1e5, positions 0..T-1;
  SwiGLU    F.silu(gate) * up on a [gate | up] buffer;
  attention grouped-query: transformers' repeat_kv, then softmax(q k^T / sqrt(hs) + causal mask) v.
Checks (asserts): interleaved RoPE on rows equals transformers' apply_rotary_pos_emb (rotate_half,
LlamaRotaryEmbedding's cos/sin) on the rows un-permuted per head (hs/2, 2) -> (2, hs/2) (llama.cpp's
converter's permutation undone), to 1e-6, and leaves q.k unchanged; LlamaRMSNorm against the
float64 formula; the attention against torch's scaled_dot_product_attention(enable_gqa=True).
Format: tests/vectors/README.md ("llama_ops.bin").
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import (LlamaRMSNorm, LlamaRotaryEmbedding, apply_rotary_pos_emb,
                                                      repeat_kv)

MAGIC, VERSION = 20241205, 1
EPS, THETA = 1e-5, 100000.0
RMS_N, RMS_C = 6, 40               # RMSNorm rows, width
B, T, NH, NKV, HS = 2, 9, 6, 2, 16  # RoPE and attention (group of 3 query heads per KV head)
SW_N, SW_F = 5, 24                 # SwiGLU rows, ffn width


def f32(x):
    """rounded to float32, returned as float64 (exact): the values the file holds"""
    return x.to(torch.float32).to(torch.float64)


def randn(gen, *shape, scale=1.0):
    return f32(torch.randn(*shape, generator=gen, dtype=torch.float64) * scale)


def freqs_cis(hs, end, theta):
    """Meta's precompute_freqs_cis, in float64: (end, hs/2) complex e^(i pos theta^(-2i/hs))"""
    freqs = 1.0 / (theta ** (torch.arange(0, hs, 2, dtype=torch.float64)[: hs // 2] / hs))
    ang = torch.outer(torch.arange(end, dtype=torch.float64), freqs)
    return torch.polar(torch.ones_like(ang), ang)


def rope_interleaved(x, fc):
    """Meta's apply_rotary_emb: x (B,T,H,hs), adjacent pairs as complex numbers, times fc (T, hs/2)"""
    xc = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2).contiguous())
    return torch.view_as_real(xc * fc[None, :, None, :]).flatten(3)


def unpermute(x):
    """per head, channels (hs/2, 2) -> (2, hs/2): llama.cpp's q/k row permutation undone (GGUF -> HF order)"""
    hs = x.shape[-1]
    return x.reshape(*x.shape[:-1], hs // 2, 2).transpose(-1, -2).reshape(x.shape)


def split_qkv(qkv):
    """qkv (B,T,(NH+2NKV)*HS) -> q (B,T,NH,HS), k, v (B,T,NKV,HS)"""
    q, k, v = qkv.split([NH * HS, NKV * HS, NKV * HS], dim=-1)
    return q.unflatten(-1, (NH, HS)), k.unflatten(-1, (NKV, HS)), v.unflatten(-1, (NKV, HS))


def rope_qkv(qkv, fc):
    q, k, v = split_qkv(qkv)
    return torch.cat([rope_interleaved(q, fc).flatten(2), rope_interleaved(k, fc).flatten(2), v.flatten(2)], -1)


def gqa_attention(qkv):
    """causal grouped-query attention as transformers' Llama: repeat_kv, then softmax(q k^T/sqrt(hs)) v.
    Returns out (B,T,NH*HS) and lse (B,NH,T), the logsumexp of each query row's scaled scores."""
    q, k, v = split_qkv(qkv)
    q, k, v = q.transpose(1, 2), repeat_kv(k.transpose(1, 2), NH // NKV), repeat_kv(v.transpose(1, 2), NH // NKV)
    s = q @ k.transpose(-1, -2) / HS ** 0.5
    s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
    return (torch.softmax(s, -1) @ v).transpose(1, 2).flatten(2), torch.logsumexp(s, -1)


def check_rope_vs_hf():
    """interleaved RoPE on GGUF-ordered rows == HF rotate_half on HF-ordered rows (float32, HF's cos/sin)"""
    g = torch.Generator().manual_seed(11)
    cfg = LlamaConfig(hidden_size=NH * HS, num_attention_heads=NH, num_key_value_heads=NKV, rope_theta=THETA,
                      max_position_embeddings=64)
    assert cfg.head_dim == HS
    Tl = 40
    cos, sin = LlamaRotaryEmbedding(config=cfg)(torch.zeros(1, Tl, NH * HS), torch.arange(Tl)[None])  # (1,Tl,HS)
    assert torch.allclose(cos[0, :, : HS // 2].double(), freqs_cis(HS, Tl, THETA).real, atol=1e-5, rtol=0)
    q = torch.randn(B, Tl, NH, HS, generator=g)   # rows as stored in the GGUF (interleaved order)
    k = torch.randn(B, Tl, NKV, HS, generator=g)
    fc = torch.complex(cos[0, :, : HS // 2], sin[0, :, : HS // 2])  # the same angles as HF's
    q_il, k_il = rope_interleaved(q, fc), rope_interleaved(k, fc)
    q_hf, k_hf = apply_rotary_pos_emb(unpermute(q).transpose(1, 2), unpermute(k).transpose(1, 2), cos, sin)
    dq = (unpermute(q_il) - q_hf.transpose(1, 2)).abs().max().item()
    dk = (unpermute(k_il) - k_hf.transpose(1, 2)).abs().max().item()
    # scores: the permutation is the same for q and k, so every q.k is unchanged
    s_il = torch.einsum("bthd,bshd->bhts", q_il[:, :, :NKV], k_il)
    s_hf = torch.einsum("bhtd,bhsd->bhts", q_hf[:, :NKV], k_hf)
    ds = (s_il - s_hf).abs().max().item()
    print(f"rope: interleaved vs HF rotate_half (un-permuted rows): max|diff| q {dq:.2e} k {dk:.2e} scores {ds:.2e}")
    assert dq < 1e-6 and dk < 1e-6 and ds < 1e-5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "vectors",
                                                  "llama_ops.bin"))
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    check_rope_vs_hf()
    g = torch.Generator().manual_seed(1234)
    arrays = []

    # RMSNorm: transformers' module in float32 (as it computes), checked against the float64 formula
    x, w = randn(g, RMS_N, RMS_C, scale=1.5), randn(g, RMS_C, scale=0.3) + 1.0
    w = f32(w)
    dout = randn(g, RMS_N, RMS_C)
    norm = LlamaRMSNorm(RMS_C, eps=EPS)
    with torch.no_grad():
        norm.weight.copy_(w.float())
    x32 = x.float().requires_grad_(True)
    out32 = norm(x32)
    out32.backward(dout.float())
    x64 = x.clone().requires_grad_(True)
    w64 = w.clone().requires_grad_(True)
    out64 = x64 * torch.rsqrt(x64.pow(2).mean(-1, keepdim=True) + EPS) * w64
    out64.backward(dout)
    e = max((out32.double() - out64).abs().max().item(), (x32.grad.double() - x64.grad).abs().max().item(),
            (norm.weight.grad.double() - w64.grad).abs().max().item() / w64.grad.abs().max().item())
    print(f"rmsnorm: LlamaRMSNorm (float32) vs float64 formula: max diff {e:.2e}")
    assert e < 1e-5
    arrays += [x, w, dout, out32.detach(), x32.grad, norm.weight.grad]

    # RoPE on the qkv buffer (q and k rotated, v passed through)
    qkv = randn(g, B, T, (NH + 2 * NKV) * HS).requires_grad_(True)
    dout = randn(g, B, T, (NH + 2 * NKV) * HS)
    out = rope_qkv(qkv, freqs_cis(HS, T, THETA))
    out.backward(dout)
    arrays += [qkv.detach(), dout, out.detach(), qkv.grad]

    # SwiGLU on [gate | up]
    inp = randn(g, SW_N, 2 * SW_F, scale=2.0).requires_grad_(True)
    dout = randn(g, SW_N, SW_F)
    gate, up = inp.split(SW_F, -1)
    out = F.silu(gate) * up
    out.backward(dout)
    arrays += [inp.detach(), dout, out.detach(), inp.grad]

    # grouped-query attention
    qkv = randn(g, B, T, (NH + 2 * NKV) * HS).requires_grad_(True)
    dout = randn(g, B, T, NH * HS)
    out, lse = gqa_attention(qkv)
    out.backward(dout)
    q, k, v = (t.transpose(1, 2) for t in split_qkv(qkv.detach()))
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True).transpose(1, 2).flatten(2)
    e = (sdpa - out).abs().max().item()
    print(f"attention: repeat_kv + softmax vs scaled_dot_product_attention(enable_gqa): max diff {e:.2e}")
    assert e < 1e-12
    arrays += [qkv.detach(), dout, out.detach(), lse.detach(), qkv.grad]

    header = np.zeros(256, dtype="<i4")
    header[:13] = [MAGIC, VERSION, RMS_N, RMS_C, B, T, NH, NKV, HS, SW_N, SW_F, int(THETA), 0]
    header[12] = np.array([EPS], dtype="<f4").view("<i4")[0]
    with open(args.out, "wb") as f:
        f.write(header.tobytes())
        for a in arrays:
            f.write(a.detach().to(torch.float32).numpy().astype("<f4").tobytes())
    print(f"wrote {args.out}: {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
