"""import_hf.py: convert a Hugging Face transformers GPT2LMHeadModel into this project's
checkpoint format (llm.c's fp32 format, see gpt2_ref.py).

    python dev/reference/import_hf.py gpt2 gpt2_124M.bin           # needs internet (hub download)
    python dev/reference/import_hf.py path/to/saved_model out.bin  # a save_pretrained() folder

HF's GPT-2 uses Conv1D layers whose weights are (in, out): they are transposed to our
(out, in). c_attn's output columns are q, k, v in that order, each split into heads of
contiguous channels: the same layout as our qkvw, so a plain transpose suffices.
wte is padded with zero rows up to Vp = V rounded up to a multiple of 128.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt2_ref as ref  # noqa: E402


def check_hf_config(hc):
    """Refuse HF configs whose maths differ from the model this project computes."""
    problems = []
    if hc.activation_function not in ("gelu_new", "gelu_pytorch_tanh"):
        problems.append(f"activation_function={hc.activation_function!r} (need the tanh GELU: gelu_new)")
    if abs(hc.layer_norm_epsilon - ref.LN_EPS) > 1e-12:
        problems.append(f"layer_norm_epsilon={hc.layer_norm_epsilon} (need 1e-5)")
    if hc.n_inner not in (None, 4 * hc.n_embd):
        problems.append(f"n_inner={hc.n_inner} (need 4*n_embd)")
    if not getattr(hc, "scale_attn_weights", True):
        problems.append("scale_attn_weights=False")
    if getattr(hc, "scale_attn_by_inverse_layer_idx", False):
        problems.append("scale_attn_by_inverse_layer_idx=True")
    if not getattr(hc, "tie_word_embeddings", True):
        problems.append("tie_word_embeddings=False (the lm_head must be wte)")
    if problems:
        raise ValueError("unsupported GPT-2 variant: " + "; ".join(problems))


def hf_to_params(model):
    """GPT2LMHeadModel -> (params dict, Config); float32 copies on the CPU."""
    hc = model.config
    check_hf_config(hc)
    sd = {k: v.detach().to(torch.float32).cpu() for k, v in model.state_dict().items()}
    cfg = ref.Config(maxT=hc.n_positions, V=hc.vocab_size, L=hc.n_layer, NH=hc.n_head, C=hc.n_embd)
    if "lm_head.weight" in sd and not torch.equal(sd["lm_head.weight"], sd["transformer.wte.weight"]):
        raise ValueError("lm_head.weight differs from transformer.wte.weight (untied head)")
    wte = torch.zeros(cfg.Vp, cfg.C, dtype=torch.float32)
    wte[:cfg.V] = sd["transformer.wte.weight"]

    def stack(fmt, transpose=False):
        ts = [sd[fmt.format(l)] for l in range(cfg.L)]
        if transpose:
            ts = [t.t() for t in ts]
        return torch.stack(ts).contiguous()

    h = "transformer.h.{}."
    p = {
        "wte": wte,
        "wpe": sd["transformer.wpe.weight"].contiguous(),
        "ln1w": stack(h + "ln_1.weight"), "ln1b": stack(h + "ln_1.bias"),
        "qkvw": stack(h + "attn.c_attn.weight", True), "qkvb": stack(h + "attn.c_attn.bias"),
        "attprojw": stack(h + "attn.c_proj.weight", True), "attprojb": stack(h + "attn.c_proj.bias"),
        "ln2w": stack(h + "ln_2.weight"), "ln2b": stack(h + "ln_2.bias"),
        "fcw": stack(h + "mlp.c_fc.weight", True), "fcb": stack(h + "mlp.c_fc.bias"),
        "fcprojw": stack(h + "mlp.c_proj.weight", True), "fcprojb": stack(h + "mlp.c_proj.bias"),
        "lnfw": sd["transformer.ln_f.weight"].contiguous(), "lnfb": sd["transformer.ln_f.bias"].contiguous(),
    }
    shapes = ref.param_shapes(cfg)
    for k in ref.PARAM_NAMES:
        assert tuple(p[k].shape) == shapes[k], (k, tuple(p[k].shape), shapes[k])
    return p, cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="HF model name (e.g. gpt2, gpt2-medium) or a save_pretrained() folder")
    ap.add_argument("out", help="output checkpoint path, e.g. gpt2_124M.bin")
    a = ap.parse_args()
    from transformers import GPT2LMHeadModel
    model = GPT2LMHeadModel.from_pretrained(a.model, dtype=torch.float32)
    p, cfg = hf_to_params(model)
    tmp = a.out + ".tmp"
    ref.write_checkpoint(tmp, p, cfg)
    os.replace(tmp, a.out)
    print(f"wrote {a.out}: maxT={cfg.maxT} V={cfg.V} Vp={cfg.Vp} L={cfg.L} NH={cfg.NH} C={cfg.C} "
          f"({ref.num_params(cfg)} parameters)")


if __name__ == "__main__":
    main()
