"""llama_ref.py: PyTorch oracle for the Llama model family (whole models, not ops), from transformers'
LlamaForCausalLM: the tiny random Llama's vectors and SmolLM2-135M-Instruct's reference losses.

    dev/reference/.venv/bin/python dev/reference/llama_ref.py tiny      # ~10 s
    dev/reference/.venv/bin/python dev/reference/llama_ref.py smollm2   # a few minutes (2 threads)

Both are deterministic (fixed seeds, fixed thread count, torch.use_deterministic_algorithms(True)):
running one twice writes byte-identical files (reference.txt's `time.` lines aside). Each fails loudly
(AssertionError / SystemExit) unless its checks hold.

Conventions (those of llama.cpp's GGUF, which the C++ model uses):
  - weights (out, in) row-major; GGUF lists shapes [in, out];
  - attn_q / attn_k rows are permuted by llama.cpp's converter (convert_hf_to_gguf.py, LlamaModel.permute):
        w.reshape(n_head, 2, hd//2, in).swapaxes(1, 2).reshape(n_head*hd, in)   (n_head_kv for k)
    so that RoPE rotates adjacent pairs (2i, 2i+1) of each head (interleaved, Meta's original llama),
    while transformers rotates halves (rotate_half) on the un-permuted rows; the two give the same model;
  - RMSNorm weight only; SwiGLU down(silu(gate x) * up x); grouped-query attention, KV head j serves
    query heads j*g .. j*g+g-1 (g = n_head / n_head_kv); no biases; tied embeddings (no output.weight).

tiny: a random LlamaForCausalLM (hidden 64, intermediate 96, 2 layers, 4 heads, 2 KV heads of 16,
  vocab 256, rope_theta 1e4, eps 1e-5, max positions 64, tied), float32, written as
  tests/vectors/llama_tiny.gguf (gguf's GGUFWriter, llama.cpp converter's keys, tensor order and q/k
  permutation, all F32), and tests/vectors/llama_tiny_ref.bin: x, y (B=2, T=16), the mean
  cross-entropy loss, the logits and the gradient of every GGUF tensor in the GGUF's layout (format in
  tests/vectors/README.md). Checks: an explicit float64 model computed directly on the GGUF-layout
  weights with interleaved RoPE gives HF's float64 logits and (permuted) gradients to ~1e-10; the GGUF
  reads back exactly; prints the float32-vs-float64 errors (the C++ tolerances come from them).

smollm2: models/SmolLM2-135M-Instruct.Q4_1.gguf dequantised (gguf.quants.dequantize), q/k
  un-permuted, loaded into LlamaForCausalLM; the tokenizer rebuilt in `tokenizers` as
  dev/gguf/smollm2_golden.py does (digit split). Writes tests/fixtures/smollm2/{tenk_head.txt,
  prose_head.txt, reference.txt}: per text the token count and the mean next-token loss (fp32 and
  fp64) with windows of T=1024 (see window_loss), and the greedy chat answer to "What is the capital of
  France?". Cross-checks the logits against transformers' own from_pretrained(gguf_file=...) load
  when that works here.
"""
import argparse
import glob
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REF_MAGIC, REF_VERSION = 20261205, 1


def die(msg):
    print("llama_ref.py: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        die(msg)


# ---- llama.cpp's q/k permutation ----------------------------------------------------------------------

def permute(w, n_head):
    """llama.cpp convert_hf_to_gguf.py LlamaModel.permute: HF rows -> GGUF rows (per head (2, hd/2) -> (hd/2, 2))"""
    shp = w.shape
    return w.reshape(n_head, 2, shp[0] // n_head // 2, *shp[1:]).swapaxes(1, 2).reshape(shp)


def unpermute(w, n_head):
    """the inverse: GGUF rows -> HF rows (transformers' TensorProcessor._reverse_permute_weights)"""
    shp = w.shape
    return w.reshape(n_head, shp[0] // n_head // 2, 2, *shp[1:]).swapaxes(1, 2).reshape(shp)


# ---- names: HF state dict <-> GGUF ------------------------------------------------------------------

HF_TO_GGUF_BLOCK = {
    "input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
}


def hf_to_gguf_name(n):
    if n == "model.embed_tokens.weight":
        return "token_embd.weight"
    if n == "model.norm.weight":
        return "output_norm.weight"
    p = n.split(".")
    assert p[0] == "model" and p[1] == "layers" and p[-1] == "weight", n
    return "blk.%s.%s.weight" % (p[2], HF_TO_GGUF_BLOCK[".".join(p[3:-1])])


GGUF_TO_HF = {}


def gguf_to_hf_name(n, L):
    if not GGUF_TO_HF:
        GGUF_TO_HF["token_embd.weight"] = "model.embed_tokens.weight"
        GGUF_TO_HF["output_norm.weight"] = "model.norm.weight"
        for l in range(L):
            for hf, g in HF_TO_GGUF_BLOCK.items():
                GGUF_TO_HF["blk.%d.%s.weight" % (l, g)] = "model.layers.%d.%s.weight" % (l, hf)
    return GGUF_TO_HF[n]


def converter_order(sd_names):
    """the order llama.cpp's converter writes tensors in: the safetensors file's (sorted) key order,
    tied lm_head absent (SmolLM2's GGUF has this order: blk.N.attn_norm, ffn_down, ffn_gate, ffn_up,
    ffn_norm, attn_k, attn_output, attn_q, attn_v). Fine for < 10 layers (no 10 < 2 issue here)."""
    return sorted(n for n in sd_names if n != "lm_head.weight")


def to_gguf_layout(name_hf, t, cfg):
    """an HF tensor (weight or gradient) -> the GGUF tensor's data layout"""
    if name_hf.endswith("self_attn.q_proj.weight"):
        return permute(t, cfg.num_attention_heads)
    if name_hf.endswith("self_attn.k_proj.weight"):
        return permute(t, cfg.num_key_value_heads)
    return t


# ---- transformers in true float64 ----------------------------------------------------------------------

def patch_transformers_float64():
    """transformers' Llama computes RMSNorm, the attention softmax and the RoPE angles in float32 even in a
    float64 model; for a float64 reference these three are patched to keep float64 inputs in float64.
    float32 inputs take exactly the original code path (the float32 results are transformers' own)."""
    from transformers.models.llama import modeling_llama as ml
    orig_rot = ml.LlamaRotaryEmbedding.forward

    def rms_forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.promote_types(input_dtype, torch.float32))
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)

    def eager(module, query, key, value, attention_mask, scaling, dropout=0.0, **kwargs):
        if query.dtype != torch.float64:
            return orig_eager(module, query, key, value, attention_mask, scaling, dropout, **kwargs)
        k = ml.repeat_kv(key, module.num_key_value_groups)
        v = ml.repeat_kv(value, module.num_key_value_groups)
        w = torch.matmul(query, k.transpose(2, 3)) * scaling
        if attention_mask is not None:
            w = w + attention_mask
        w = torch.softmax(w, dim=-1)
        return torch.matmul(w, v).transpose(1, 2).contiguous(), w

    def rot_forward(self, x, position_ids):
        if x.dtype != torch.float64:
            return orig_rot(self, x, position_ids)
        hd = 2 * self.inv_freq.shape[0]
        theta = float(self.config.rope_parameters["rope_theta"])
        inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
        freqs = position_ids[..., None].to(torch.float64) * inv
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos() * self.attention_scaling, emb.sin() * self.attention_scaling

    orig_eager = ml.eager_attention_forward
    ml.LlamaRMSNorm.forward = rms_forward
    ml.eager_attention_forward = eager
    ml.LlamaRotaryEmbedding.forward = rot_forward


# ---- an explicit model on GGUF-layout weights (interleaved RoPE) ----------------------------------------

def rope_interleaved(x, cos, sin):
    """x (B, T, H, hd): rotate adjacent pairs (2i, 2i+1) by angle pos * theta^(-2i/hd); cos, sin (T, hd/2)"""
    xe, xo = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack([xe * c - xo * s, xe * s + xo * c], dim=-1).flatten(-2)


def rope_angles_exact(T, hd, theta):
    """float64 angles (T, hd/2)"""
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    ang = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang), torch.sin(ang)


def rope_angles_hf(model, T, dtype):
    """transformers' cos/sin (computed in float32, as LlamaRotaryEmbedding does) as (T, hd/2) in dtype"""
    hd = model.config.head_dim
    cos, sin = model.model.rotary_emb(torch.zeros(1, T, 1, dtype=torch.float32), torch.arange(T)[None])
    cos, sin = cos[0].to(dtype), sin[0].to(dtype)
    assert torch.equal(cos[:, : hd // 2], cos[:, hd // 2:]) and torch.equal(sin[:, : hd // 2], sin[:, hd // 2:])
    return cos[:, : hd // 2], sin[:, : hd // 2]


def own_forward(W, x, cfg, cos, sin):
    """the Llama forward written out, on GGUF-layout tensors W (dict name -> (out, in) tensor)"""
    B, T = x.shape
    NH, NKV, hd, eps = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim, cfg.rms_norm_eps
    g = NH // NKV

    def rms(h, w):
        return h * torch.rsqrt((h * h).mean(-1, keepdim=True) + eps) * w

    h = W["token_embd.weight"][x]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for l in range(cfg.num_hidden_layers):
        p = "blk.%d." % l
        a = rms(h, W[p + "attn_norm.weight"])
        q = (a @ W[p + "attn_q.weight"].T).view(B, T, NH, hd)
        k = (a @ W[p + "attn_k.weight"].T).view(B, T, NKV, hd)
        v = (a @ W[p + "attn_v.weight"].T).view(B, T, NKV, hd)
        q, k = rope_interleaved(q, cos, sin), rope_interleaved(k, cos, sin)
        kv_of = torch.arange(NH) // g                     # query head h reads KV head h // g
        k, v = k[:, :, kv_of], v[:, :, kv_of]
        s = torch.einsum("bthd,bshd->bhts", q, k) / math.sqrt(hd)
        s = s.masked_fill(~mask, float("-inf"))
        o = torch.einsum("bhts,bshd->bthd", torch.softmax(s, -1), v).reshape(B, T, NH * hd)
        h = h + o @ W[p + "attn_output.weight"].T
        m = rms(h, W[p + "ffn_norm.weight"])
        h = h + (F.silu(m @ W[p + "ffn_gate.weight"].T) * (m @ W[p + "ffn_up.weight"].T)) @ W[p + "ffn_down.weight"].T
    h = rms(h, W["output_norm.weight"])
    return h @ W["token_embd.weight"].T


# ---- tiny --------------------------------------------------------------------------------------------

TINY = dict(vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=16, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
            max_position_embeddings=64, attention_bias=False, mlp_bias=False, hidden_act="silu")
TINY_B, TINY_T = 2, 16


def make_tiny():
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(**TINY)
    cfg._attn_implementation = "eager"
    check(cfg.rope_parameters["rope_theta"] == 10000.0, "rope_theta not taken: %r" % (cfg.rope_parameters,))
    check(cfg.head_dim == 16 and cfg.tie_word_embeddings, "config")
    torch.manual_seed(0)
    model = LlamaForCausalLM(cfg).float().eval()
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for n, p in sorted(model.named_parameters()):
            if n.endswith("norm.weight") or n.endswith("layernorm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g, dtype=torch.float64))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g, dtype=torch.float64))
    check(model.lm_head.weight is model.model.embed_tokens.weight, "embeddings not tied")
    gx = torch.Generator().manual_seed(42)
    x = torch.randint(0, TINY["vocab_size"], (TINY_B, TINY_T), generator=gx)
    y = torch.randint(0, TINY["vocab_size"], (TINY_B, TINY_T), generator=gx)
    # make the first and last token ids appear, as inputs and as targets
    x[0, 0], x[1, 3], y[0, 5], y[1, 15] = 0, TINY["vocab_size"] - 1, TINY["vocab_size"] - 1, 0
    return model, x, y


def hf_loss_and_grads(model, x, y):
    model.zero_grad(set_to_none=True)
    logits = model(input_ids=x).logits
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    return logits.detach(), loss.detach(), grads


def write_tiny_gguf(path, model, names):
    import gguf
    cfg = model.config
    w = gguf.GGUFWriter(path, "llama")          # general.architecture; general.alignment left at 32
    w.add_type(gguf.GGUFType.MODEL)
    w.add_name("Llama Tiny Random")
    w.add_block_count(cfg.num_hidden_layers)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_rope_freq_base(cfg.rope_parameters["rope_theta"])
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_vocab_size(cfg.vocab_size)
    w.add_rope_dimension_count(cfg.head_dim)
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    sd = model.state_dict()
    for n in names:
        t = to_gguf_layout(n, sd[n].detach().float(), cfg)
        w.add_tensor(hf_to_gguf_name(n), np.ascontiguousarray(t.numpy().astype(np.float32)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def read_gguf_f32(path):
    import gguf
    r = gguf.GGUFReader(path)
    out = []
    for t in r.tensors:
        check(t.tensor_type == gguf.GGMLQuantizationType.F32, "%s not F32" % t.name)
        shape = tuple(int(s) for s in reversed(t.shape.tolist()))
        out.append((t.name, np.array(t.data, dtype=np.float32).reshape(shape)))
    return r, out


def cmd_tiny(args):
    torch.set_num_threads(1)
    t0 = time.time()
    model, x, y = make_tiny()
    cfg = model.config
    names = converter_order(n for n, _ in model.named_parameters())
    check(len(names) == 2 + 9 * cfg.num_hidden_layers and "model.embed_tokens.weight" in names, "names %s" % names)
    gguf_names = [hf_to_gguf_name(n) for n in names]
    B, T, V = TINY_B, TINY_T, cfg.vocab_size

    # float32: the vectors
    logits32, loss32, g32 = hf_loss_and_grads(model, x, y)
    # float64 of the same (fp32-valued) weights
    m64 = make_tiny()[0].double()
    m64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    logits64, loss64, g64 = hf_loss_and_grads(m64, x, y)
    check(m64.lm_head.weight is m64.model.embed_tokens.weight, "m64 not tied")

    # the explicit model on GGUF-layout float64 weights, interleaved RoPE, HF's float32-computed angles
    W = {hf_to_gguf_name(n): to_gguf_layout(n, p.detach().clone(), cfg).requires_grad_(True)
         for n, p in m64.named_parameters()}
    cos, sin = rope_angles_exact(T, cfg.head_dim, cfg.rope_parameters["rope_theta"])
    own = own_forward(W, x, cfg, cos, sin)
    own_loss = F.cross_entropy(own.reshape(-1, V), y.reshape(-1))
    own_loss.backward()
    d_logits = (own.detach() - logits64).abs().max().item()
    d_loss = abs(own_loss.item() - loss64.item())
    d_grad = max(((W[hf_to_gguf_name(n)].grad - to_gguf_layout(n, g64[n], cfg)).abs().max()
                  / g64[n].abs().max()).item() for n in names)
    print("own float64 model on GGUF-layout weights (interleaved RoPE) vs HF float64 (rotate_half on HF rows): "
          "logits max|diff| %.3g, loss %.3g, grads max|diff|/max|g| %.3g" % (d_logits, d_loss, d_grad))
    check(d_logits < 1e-10 and d_loss < 1e-12 and d_grad < 1e-10, "own model != HF: the permutation convention is wrong")
    # the same without permuting q/k must fail (the check has teeth)
    Wbad = {k: v.detach() for k, v in W.items()}
    for l in range(cfg.num_hidden_layers):
        for nm, nh in (("attn_q", cfg.num_attention_heads), ("attn_k", cfg.num_key_value_heads)):
            Wbad["blk.%d.%s.weight" % (l, nm)] = unpermute(Wbad["blk.%d.%s.weight" % (l, nm)], nh)
    d_bad = (own_forward(Wbad, x, cfg, cos, sin) - logits64).abs().max().item()
    check(d_bad > 1e-2, "un-permuted weights give the same logits (%.3g): the check has no teeth" % d_bad)
    print("  (with q/k left un-permuted the same model is off by %.3g)" % d_bad)
    cos32, sin32 = rope_angles_hf(model, T, torch.float64)   # transformers' float32 cos/sin
    with torch.no_grad():
        d_ang = (own_forward({k: v.detach() for k, v in W.items()}, x, cfg, cos32, sin32) - logits64).abs().max().item()
    print("  float64 model with transformers' float32-computed RoPE cos/sin: logits max|diff| %.3g (of the "
          "float32 error below, this much is the RoPE angles)" % d_ang)

    # float32 vs float64
    e_loss = abs(loss32.item() - loss64.item())
    e_logits = (logits32.double() - logits64).abs().max().item()
    e_grads = {hf_to_gguf_name(n): ((g32[n].double() - g64[n]).abs().max() / g64[n].abs().max()).item() for n in names}
    worst = max(e_grads, key=e_grads.get)
    print("tiny: loss %.9g (float64 %.17g); max |logit| %.3g" % (loss32.item(), loss64.item(), logits64.abs().max().item()))
    print("float32 vs float64: loss %.3g, logits max|diff| %.3g, grads per tensor "
          "max|diff|/max|g| at most %.3g (%s)" % (e_loss, e_logits, e_grads[worst], worst))
    check(e_logits < 1e-4 and e_loss < 1e-5 and e_grads[worst] < 1e-4, "float32 vs float64 too far apart")

    # write the GGUF, read it back
    gpath = os.path.join(ROOT, "tests/vectors/llama_tiny.gguf")
    write_tiny_gguf(gpath, model, names)
    r, tensors = read_gguf_f32(gpath)
    check([n for n, _ in tensors] == gguf_names, "GGUF tensor order")
    sd = model.state_dict()
    for (gn, arr), n in zip(tensors, names):
        check(np.array_equal(arr, to_gguf_layout(n, sd[n], cfg).numpy()), "GGUF readback " + gn)
    meta = {k: r.fields[k].contents() for k in r.fields if not k.startswith("GGUF.")}
    check(meta["general.architecture"] == "llama" and meta["llama.block_count"] == 2
          and meta["llama.attention.head_count_kv"] == 2 and meta["llama.rope.dimension_count"] == 16
          and "output.weight" not in gguf_names, "GGUF metadata")
    # and the GGUF alone, un-permuted into a fresh HF model, gives the fp32 logits again
    m2 = make_tiny()[0]
    m2.load_state_dict({gguf_to_hf_name(gn, cfg.num_hidden_layers):
                        (unpermute(torch.from_numpy(a.copy()), cfg.num_attention_heads) if ".attn_q." in gn else
                         unpermute(torch.from_numpy(a.copy()), cfg.num_key_value_heads) if ".attn_k." in gn else
                         torch.from_numpy(a.copy())) for gn, a in tensors}, strict=False)
    with torch.no_grad():
        check(torch.equal(m2(input_ids=x).logits, logits32), "GGUF -> HF round trip")

    # the reference file
    rpath = os.path.join(ROOT, "tests/vectors/llama_tiny_ref.bin")
    with open(rpath, "wb") as f:
        f.write(struct.pack("<8i", REF_MAGIC, REF_VERSION, B, T, V, len(names), 0, 0))
        f.write(x.numpy().astype("<i4").tobytes())
        f.write(y.numpy().astype("<i4").tobytes())
        f.write(struct.pack("<f", loss32.item()))
        f.write(logits32.numpy().astype("<f4").tobytes())
        for n in names:
            gn = hf_to_gguf_name(n).encode()
            gr = to_gguf_layout(n, g32[n], cfg).contiguous().numpy().astype("<f4")
            f.write(struct.pack("<i", len(gn)) + gn + struct.pack("<q", gr.size) + gr.tobytes())
    # read it back
    with open(rpath, "rb") as f:
        buf = f.read()
    hdr = struct.unpack_from("<8i", buf, 0)
    check(hdr == (REF_MAGIC, REF_VERSION, B, T, V, len(names), 0, 0), "ref header")
    off = 32 + 8 * B * T
    check(np.array_equal(np.frombuffer(buf, "<i4", B * T, 32), x.numpy().reshape(-1)), "ref x")
    check(struct.unpack_from("<f", buf, off)[0] == loss32.item(), "ref loss")
    off += 4 + 4 * B * T * V
    for (gn, arr), n in zip(tensors, names):
        ln = struct.unpack_from("<i", buf, off)[0]
        check(buf[off + 4: off + 4 + ln].decode() == gn, "ref name")
        off += 4 + ln
        numel = struct.unpack_from("<q", buf, off)[0]
        check(numel == arr.size, "ref numel " + gn)
        gr = np.frombuffer(buf, "<f4", numel, off + 8).reshape(arr.shape)
        check(np.array_equal(gr, to_gguf_layout(n, g32[n], cfg).numpy()), "ref grad " + gn)
        off += 8 + 4 * numel
    check(off == len(buf), "ref size")
    print("wrote %s (%d bytes) and %s (%d bytes): %d tensors, %d parameters; %.1f s"
          % (os.path.relpath(gpath, ROOT), os.path.getsize(gpath), os.path.relpath(rpath, ROOT), len(buf),
             len(names), sum(a.size for _, a in tensors), time.time() - t0))


# ---- smollm2 ------------------------------------------------------------------------------------------

SMOL_GGUF = "models/SmolLM2-135M-Instruct.Q4_1.gguf"
SMOL_EXPECT = dict(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                   num_attention_heads=9, num_key_value_heads=3, head_dim=64, rope_theta=100000.0)
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
QUESTION = "What is the capital of France?"
WINDOW = 1024
IM_END = 2


def smollm2_tokenizer(r):
    """SmolLM2's tokenizer in Hugging Face `tokenizers` from the GGUF reader r: byte-level BPE, digits
    split first, 17 specials (dev/gguf/smollm2_golden.py uses it too)"""
    from tokenizers import Tokenizer, Regex, pre_tokenizers, decoders, AddedToken
    from tokenizers.models import BPE
    toks = r.fields["tokenizer.ggml.tokens"].contents()
    types = r.fields["tokenizer.ggml.token_type"].contents()
    merges = [tuple(m.split(" ")) for m in r.fields["tokenizer.ggml.merges"].contents()]
    tk = Tokenizer(BPE({t: i for i, t in enumerate(toks)}, merges))
    tk.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"\p{N}"), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tk.decoder = decoders.ByteLevel()
    specials = [t for t, ty in zip(toks, types) if ty == 3]
    tk.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    check([tk.token_to_id(s) for s in specials] == list(range(17)), "the specials are ids 0..16")
    check(tk.token_to_id("<|im_end|>") == IM_END, "<|im_end|> is 2")
    return tk


def gguf_tensors(r):
    """every tensor of a GGUFReader dequantised to float32, in the GGUF's layout: (out, in) row-major"""
    import gguf
    out = {}
    for t in r.tensors:
        shape = tuple(int(s) for s in reversed(t.shape.tolist()))
        out[t.name] = torch.from_numpy(np.array(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32)
                                       .reshape(shape))
    return out


def load_smollm2(path):
    import gguf
    from transformers import LlamaConfig, LlamaForCausalLM
    r = gguf.GGUFReader(path)
    f = {k: r.fields[k].contents() for k in r.fields
         if not k.startswith("tokenizer.ggml.") and not k.startswith("GGUF.")}
    check(f["general.architecture"] == "llama", "architecture")
    L = int(f["llama.block_count"])
    cfg = LlamaConfig(vocab_size=int(f["llama.vocab_size"]), hidden_size=int(f["llama.embedding_length"]),
                      intermediate_size=int(f["llama.feed_forward_length"]), num_hidden_layers=L,
                      num_attention_heads=int(f["llama.attention.head_count"]),
                      num_key_value_heads=int(f["llama.attention.head_count_kv"]),
                      head_dim=int(f["llama.rope.dimension_count"]), rope_theta=float(f["llama.rope.freq_base"]),
                      rms_norm_eps=float(f["llama.attention.layer_norm_rms_epsilon"]),
                      max_position_embeddings=int(f["llama.context_length"]), tie_word_embeddings=True,
                      attention_bias=False, mlp_bias=False, hidden_act="silu", bos_token_id=1, eos_token_id=2)
    cfg._attn_implementation = "eager"
    for k, v in SMOL_EXPECT.items():
        got = cfg.rope_parameters["rope_theta"] if k == "rope_theta" else getattr(cfg, k)
        check(got == v, "SmolLM2 config %s = %r, REFERENCES.md says %r" % (k, got, v))
    check(abs(cfg.rms_norm_eps - 1e-5) < 1e-12, "eps")
    raw = gguf_tensors(r)
    sd = {}
    for n, w in raw.items():
        if ".attn_q." in n:
            w = unpermute(w, cfg.num_attention_heads)
        elif ".attn_k." in n:
            w = unpermute(w, cfg.num_key_value_heads)
        sd[gguf_to_hf_name(n, L)] = w
    check("output.weight" not in raw and len(raw) == 2 + 9 * L, "SmolLM2 tensor set")
    torch.manual_seed(0)
    model = LlamaForCausalLM(cfg)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    check(set(missing) <= {"lm_head.weight"} and not unexpected, "state dict: %s %s" % (missing, unexpected))
    model = model.float().eval()
    check(model.lm_head.weight is model.model.embed_tokens.weight, "not tied")
    nparams = sum(p.numel() for p in model.parameters())
    check(nparams == 134515008, "parameter count %d" % nparams)
    return r, model, raw


def head_text(path, nbytes=6000):
    """the first nbytes bytes cut back to (and including) the last newline"""
    with open(path, "rb") as f:
        b = f.read(nbytes)
    cut = b.rfind(b"\n")
    check(cut > 0, "no newline in " + path)
    return b[: cut + 1].decode("utf-8")


def window_loss(model, ids, first_logits=None):
    """sum of next-token cross-entropies over windows of WINDOW tokens / (N-1), summed in float64.
    for w in range((N-1)//T): x = ids[wT : wT+T], y = ids[wT+1 : wT+T+1]; then the tail from
    s = ((N-1)//T)*T: x = ids[s : N-1], y = ids[s+1 : N] if non-empty."""
    N = len(ids)
    t = torch.tensor(ids, dtype=torch.long)
    segs = [(w * WINDOW, w * WINDOW + WINDOW) for w in range((N - 1) // WINDOW)]
    s = ((N - 1) // WINDOW) * WINDOW
    if N - 1 > s:
        segs.append((s, N - 1))
    total = 0.0
    with torch.inference_mode():
        for i, (a, b) in enumerate(segs):
            logits = model(input_ids=t[None, a:b]).logits[0]
            ce = F.cross_entropy(logits, t[a + 1: b + 1], reduction="none")
            total += ce.double().sum().item()
            if i == 0 and first_logits is not None:
                first_logits.extend(logits[-1, :8].tolist())
    return total / (N - 1), segs


def greedy(model, prompt_ids, max_new=24):
    ids = list(prompt_ids)
    out = []
    with torch.inference_mode():
        for _ in range(max_new):
            nxt = int(model(input_ids=torch.tensor([ids])).logits[0, -1].argmax().item())
            if nxt == IM_END:
                return out, "im_end"
            out.append(nxt)
            ids.append(nxt)
    return out, "max_new_tokens"


def cmd_smollm2(args):
    torch.set_num_threads(args.threads)
    t_start = time.time()
    gpath = os.path.join(ROOT, args.gguf)
    check(os.path.exists(gpath), "%s missing: run `make -f smollm2.mk smollm2`" % args.gguf)
    r, model, raw = load_smollm2(gpath)
    tk = smollm2_tokenizer(r)
    probe = tk.encode("The capital of France is Paris. 3M's 2022 revenue was $34,229 million.",
                      add_special_tokens=False).ids
    t_load = time.time() - t_start
    print("loaded %s in %.1f s" % (args.gguf, t_load))

    outdir = os.path.join(ROOT, "tests/fixtures/smollm2")
    os.makedirs(outdir, exist_ok=True)
    corpus = sorted(glob.glob(os.path.join(ROOT, "data/corpus/*.txt")))
    texts = [("tenk_head", os.path.join(ROOT, "data/3m/3M_2022_10K.txt")), ("prose_head", corpus[0])]
    res = [("gguf", args.gguf), ("torch", torch.__version__), ("threads", str(args.threads)),
           ("window", str(WINDOW))]
    times = []

    # transformers' own GGUF load, when it works here (it needs `accelerate`, not in requirements.txt; e.g.
    # pip install --no-deps --target DIR accelerate psutil; PYTHONPATH=DIR). Printed, not written (the
    # files must not depend on it).
    try:
        from transformers import AutoModelForCausalLM
        t0 = time.time()
        hf = AutoModelForCausalLM.from_pretrained(os.path.dirname(gpath), gguf_file=os.path.basename(gpath),
                                                  dtype=torch.float32, attn_implementation="eager").eval()
        with torch.inference_mode():
            a = model(input_ids=torch.tensor([probe])).logits
            b = hf(input_ids=torch.tensor([probe])).logits
        d = (a - b).abs().max().item()
        print("transformers from_pretrained(gguf_file=) vs this load: max |logit diff| %.3g over %d tokens (%.1f s)"
              % (d, len(probe), time.time() - t0))
        check(d < 1e-4, "from_pretrained(gguf_file=) disagrees: %.3g" % d)
        del hf
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 -- report and go on
        msg = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:160] if str(e) else "")
        print("transformers from_pretrained(gguf_file=) cross-check skipped: " + msg)

    # the explicit float64 model on the GGUF's own tensors (q/k as stored, interleaved RoPE) == transformers
    t0 = time.time()
    W = {n: w.double() for n, w in raw.items()}
    del raw
    cos, sin = rope_angles_exact(len(probe), model.config.head_dim, model.config.rope_parameters["rope_theta"])
    with torch.inference_mode():
        own = own_forward(W, torch.tensor([probe]), model.config, cos, sin)
        hf64 = model.double()(input_ids=torch.tensor([probe])).logits
    model = model.float()
    del W
    d = (own - hf64).abs().max().item()
    print("explicit float64 model on the GGUF's tensors (interleaved RoPE) vs transformers float64: max |logit diff| "
          "%.3g over %d tokens (%.1f s)" % (d, len(probe), time.time() - t0))
    check(d < 1e-9, "explicit model on the GGUF layout != transformers: %.3g" % d)

    m64 = None
    for key, src in texts:
        text = head_text(src)
        with open(os.path.join(outdir, key + ".txt"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        ids = tk.encode(text, add_special_tokens=False).ids
        check(tk.decode(ids, skip_special_tokens=False) == text, "tokenizer round trip " + key)
        check(not any(i < 17 for i in ids), "special token in " + key)
        t0 = time.time()
        first = []
        loss32, segs = window_loss(model, ids, first)
        t32 = time.time() - t0
        res += [(key + ".source", os.path.relpath(src, ROOT)), (key + ".bytes", str(len(text.encode()))),
                (key + ".tokens", str(len(ids))), (key + ".windows", " ".join("%d:%d" % s for s in segs)),
                (key + ".first_ids", " ".join(map(str, ids[:16]))), (key + ".loss", "%.9f" % loss32)]
        if key == "tenk_head":
            res.append((key + ".first_window_last_logits8", " ".join("%.9g" % v for v in first)))
        times.append(("time.%s_fp32_s" % key, t32))
        print("%s: %d bytes, %d tokens, windows %s, loss fp32 %.9f (%.1f s)" % (key, len(text.encode()), len(ids),
                                                                                 segs, loss32, t32))
        if m64 is None:
            m64 = model.double()   # in place: model is float64 from here on
        t0 = time.time()
        loss64, _ = window_loss(m64, ids)
        times.append(("time.%s_fp64_s" % key, time.time() - t0))
        res += [(key + ".loss_f64", "%.12f" % loss64), (key + ".loss_f32_err", "%.3g" % abs(loss32 - loss64))]
        print("  loss fp64 %.12f: fp32 error %.3g (%.1f s)" % (loss64, abs(loss32 - loss64), time.time() - t0))
        model = m64.float()
        m64 = None
    model = model.float()

    # greedy chat
    prompt = ("<|im_start|>system\n%s<|im_end|>\n<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n"
              % (SYSTEM, QUESTION))
    try:   # the GGUF's own template, rendered, must give the same prompt
        import jinja2
        tmpl = jinja2.Environment().from_string(r.fields["tokenizer.chat_template"].contents())
        check(tmpl.render(messages=[{"role": "user", "content": QUESTION}], add_generation_prompt=True) == prompt,
              "ChatML prompt != the GGUF's chat_template")
    except ImportError:
        print("jinja2 missing: the prompt was not checked against the GGUF's chat_template")
    p_ids = tk.encode(prompt, add_special_tokens=False).ids
    t0 = time.time()
    ans, stop = greedy(model, p_ids)
    times.append(("time.chat_s", time.time() - t0))
    answer = tk.decode(ans, skip_special_tokens=False)
    print("chat: %r (%d tokens, stop: %s)" % (answer, len(ans), stop))
    check("Paris" in answer, "the greedy answer does not say Paris")
    res += [("chat.question", QUESTION), ("chat.prompt_ids", " ".join(map(str, p_ids))),
            ("chat.answer_ids", " ".join(map(str, ans))), ("chat.stop", stop),
            ("chat.answer", answer.replace("\\", "\\\\").replace("\n", "\\n"))]

    times.append(("time.load_s", t_load))
    times.append(("time.total_s", time.time() - t_start))
    with open(os.path.join(outdir, "reference.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# dev/reference/llama_ref.py smollm2: PyTorch (transformers LlamaForCausalLM) on the dequantised "
                "GGUF; `key value` lines; time.* lines vary run to run\n")
        for k, v in res:
            f.write("%s %s\n" % (k, v))
        for k, v in times:
            f.write("%s %.1f\n" % (k, v))
    print("wrote tests/fixtures/smollm2/{tenk_head.txt,prose_head.txt,reference.txt}; total %.1f s"
          % (time.time() - t_start))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("tiny", help="tests/vectors/llama_tiny.gguf and llama_tiny_ref.bin")
    sp = sub.add_parser("smollm2", help="tests/fixtures/smollm2/*")
    sp.add_argument("--gguf", default=SMOL_GGUF)
    sp.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.use_deterministic_algorithms(True)
    patch_transformers_float64()
    os.chdir(ROOT)
    {"tiny": cmd_tiny, "smollm2": cmd_smollm2}[args.cmd](args)


if __name__ == "__main__":
    main()
