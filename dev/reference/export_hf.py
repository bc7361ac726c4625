"""export_hf.py: convert this project's checkpoint (llm.c's fp32 format) into a Hugging Face
transformers GPT2LMHeadModel folder (save_pretrained), the reverse of import_hf.py.

    python dev/reference/export_hf.py model.bin out_dir/
    # then: GPT2LMHeadModel.from_pretrained("out_dir")

Our (out, in) Linear weights are transposed to HF's Conv1D (in, out); the zero padding rows
V..Vp-1 of wte are dropped (the exporter refuses if they are not zero). No tokenizer is
written: for GPT-2's own vocabulary use GPT2TokenizerFast.from_pretrained("gpt2").
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt2_ref as ref  # noqa: E402


def hf_config(cfg):
    from transformers import GPT2Config
    return GPT2Config(vocab_size=cfg.V, n_positions=cfg.maxT, n_embd=cfg.C, n_layer=cfg.L, n_head=cfg.NH,
                      activation_function="gelu_new", layer_norm_epsilon=ref.LN_EPS, tie_word_embeddings=True,
                      bos_token_id=None if cfg.V <= 50256 else 50256,
                      eos_token_id=None if cfg.V <= 50256 else 50256)


def params_to_hf(p, cfg):
    """(params dict, Config) -> GPT2LMHeadModel (float32, eval mode)."""
    from transformers import GPT2LMHeadModel
    if cfg.Vp > cfg.V and p["wte"][cfg.V:].abs().max().item() != 0.0:
        raise ValueError("padded rows of wte (V..Vp-1) are not zero: cannot drop them")
    model = GPT2LMHeadModel(hf_config(cfg)).to(torch.float32)
    sd = {"transformer.wte.weight": p["wte"][:cfg.V], "transformer.wpe.weight": p["wpe"],
          "transformer.ln_f.weight": p["lnfw"], "transformer.ln_f.bias": p["lnfb"]}
    for l in range(cfg.L):
        h = f"transformer.h.{l}."
        sd[h + "ln_1.weight"] = p["ln1w"][l]
        sd[h + "ln_1.bias"] = p["ln1b"][l]
        sd[h + "attn.c_attn.weight"] = p["qkvw"][l].t()
        sd[h + "attn.c_attn.bias"] = p["qkvb"][l]
        sd[h + "attn.c_proj.weight"] = p["attprojw"][l].t()
        sd[h + "attn.c_proj.bias"] = p["attprojb"][l]
        sd[h + "ln_2.weight"] = p["ln2w"][l]
        sd[h + "ln_2.bias"] = p["ln2b"][l]
        sd[h + "mlp.c_fc.weight"] = p["fcw"][l].t()
        sd[h + "mlp.c_fc.bias"] = p["fcb"][l]
        sd[h + "mlp.c_proj.weight"] = p["fcprojw"][l].t()
        sd[h + "mlp.c_proj.bias"] = p["fcprojb"][l]
    sd = {k: v.detach().to(torch.float32).contiguous().clone() for k, v in sd.items()}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if k != "lm_head.weight"]  # tied to wte
    if missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    model.tie_weights()
    assert torch.equal(model.lm_head.weight, model.transformer.wte.weight)
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help="a checkpoint in this project's (llm.c's) fp32 format")
    ap.add_argument("out_dir", help="folder to save_pretrained() into")
    a = ap.parse_args()
    p, cfg = ref.read_checkpoint(a.checkpoint)
    if cfg.lora_rank or cfg.mem_layers:  # transformers' GPT-2 has no place for them
        sys.exit(f"error: {a.checkpoint} has LoRA adapters or memory layers; merge LoRA first (./train merge), memory cannot be exported")
    model = params_to_hf(p, cfg)
    model.save_pretrained(a.out_dir)
    print(f"wrote {a.out_dir}: GPT2LMHeadModel maxT={cfg.maxT} V={cfg.V} L={cfg.L} NH={cfg.NH} C={cfg.C}")


if __name__ == "__main__":
    main()
