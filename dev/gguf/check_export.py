"""check_export.py: does `./train export` write GGUF files that other readers take as the same model?
(issue #17 item 7; a dev/ check, not part of `make test`; it never edits the repository.)

    dev/reference/.venv/bin/python dev/gguf/check_export.py [--work /tmp/exp_check] [--skip-llama-cpp]

Needs: ./train built, models/SmolLM2-135M-Instruct.Q4_1.gguf (`make smollm2`), the reference venv
(dev/reference/.venv: gguf 0.19, torch, transformers, tokenizers), and for step 5 a separate venv with
llama-cpp-python (default /tmp/llcpp_venv; made with
`python3 -m venv /tmp/llcpp_venv && CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 /tmp/llcpp_venv/bin/pip install
llama-cpp-python`, which compiles llama.cpp: 12.5 min on 2 idle cores for 0.3.36; --build-llama-cpp runs
that when it is missing). transformers' GGUF loader needs `accelerate`, which is not in the reference venv:
it is pip-installed with --target into --accel-dir (default /tmp/exp_accel) and put on sys.path.
About 22 minutes on 2 (shared) cores once llama-cpp-python is built; --report-only redoes the tables.

Two sources: (a) the SmolLM2 GGUF itself, (b) a LoRA checkpoint made here with 3 steps
(`./train synth` + `./train inject --train lora`, the commands are printed; reused when present).
Each is exported as f32, f16 and q8_0, and each export is checked:
 1. gguf package: GGUFReader opens it; the metadata llama.cpp reads for arch llama (hyperparameters,
    tokenizer arrays, chat template) equals the source GGUF's; tensor names, shapes ([in, out]) and types
    (1-D F32, the rest the asked type) are those of llama.cpp's llama; data offsets aligned. Values,
    dequantised by the gguf package, against an independent reference: (a) the source dequantised by the
    gguf package; (b) that plus alpha/r * B @ A of the adapters read from model.bin (float64 merge).
    f32 exact (a) / to fp32 rounding (b); f16 == numpy's float16 rounding of the reference; q8_0 blocks
    == gguf.quants.quantize(reference) and the error in units of each block's step amax/127.
 2. ./train eval --text tests/fixtures/smollm2/tenk_head.txt on the export vs on the source.
 3. transformers: LlamaForCausalLM.from_pretrained(dir, gguf_file=...): logits on the first 128 tokens
    vs a LlamaForCausalLM holding the gguf package's dequantisation of the same file (loader check) and
    vs the source's reference weights (export fidelity); its loss on tenk_head (our token ids, windows of
    1024 as tests/fixtures/smollm2/README.md) vs ./train eval's; the tokenizer transformers builds from
    the GGUF metadata vs ours (information only: it ignores the smollm digit split), and the tokenizer
    rebuilt in `tokenizers` with the digit split (must match).
 4. ./train chat: the greedy answer to "What is the capital of France?" (24 tokens at most).
 5. llama.cpp (llama-cpp-python, in its own venv): Llama(model_path, n_ctx=512, n_threads=2) greedy answer by
    create_chat_completion (the GGUF's chat template, temperature 0) and by a completion of the ChatML
    prompt tokenised by llama.cpp (temperature 0, top_k 1), which must equal ./train chat's; the prompt's
    ids vs tests/fixtures/smollm2/reference.txt; llama.cpp's loss on tenk_head with our ids; its top 3
    logits after the prompt. f32 and f16 must give the same answer. With quantised weights (the Q4_1 source
    itself, q8_0 exports) llama.cpp also quantises activations, and SmolLM2's first answer token here is a
    near tie ('The' over 'L' by 0.08 logits in fp32): a flip within NEAR_TIE logits is reported, not failed.
Writes WORK/report.md (the table) and WORK/results.json; exits 1 if a check that must hold fails.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUESTION = "What is the capital of France?"
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
PROMPT = ("<|im_start|>system\n%s<|im_end|>\n<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n"
          % (SYSTEM, QUESTION))
TEXT = "tests/fixtures/smollm2/tenk_head.txt"
TENK = "data/3m/3M_2022_10K.txt"
WINDOW = 1024
NEAR_TIE = 0.2   # logits: a first-token flip within this of llama.cpp's top choice is reported, not failed (quantised only)


def windows(n):
    """tests/fixtures/smollm2/README.md: windows of 1024 over ids, each from position 0"""
    segs = [(w * WINDOW, w * WINDOW + WINDOW) for w in range((n - 1) // WINDOW)]
    s = ((n - 1) // WINDOW) * WINDOW
    if n - 1 > s:
        segs.append((s, n - 1))
    return segs


# ---- the llama.cpp side, run by the llama-cpp-python venv's python ---------------------------------

def llama_cpp_worker(args):
    import numpy as np
    import llama_cpp
    job = json.load(open(args.llama_cpp_worker))
    out = {"version": llama_cpp.__version__}
    ids = job["ids"]
    for path in job["files"]:
        res = {}
        t0 = time.time()
        try:
            llm = llama_cpp.Llama(model_path=path, n_ctx=512, n_threads=2, verbose=False)
            res["load_s"] = time.time() - t0
            t1 = time.time()
            r = llm.create_chat_completion(messages=[{"role": "user", "content": QUESTION}], temperature=0.0,
                                           max_tokens=24)
            res["chat_completion"] = r["choices"][0]["message"]["content"]
            res["chat_completion_finish"] = r["choices"][0]["finish_reason"]
            toks = llm.tokenize(PROMPT.encode(), add_bos=False, special=True)
            res["prompt_ids"] = list(toks)
            r = llm.create_completion(prompt=toks, max_tokens=24, temperature=0.0, top_k=1)
            res["completion"] = r["choices"][0]["text"]
            res["completion_finish"] = r["choices"][0]["finish_reason"]
            res["chat_s"] = time.time() - t1
            del llm
            # loss on our ids, the windows of tests/fixtures/smollm2/README.md
            t1 = time.time()
            llm = llama_cpp.Llama(model_path=path, n_ctx=WINDOW, n_batch=512, n_threads=2, logits_all=True,
                                  verbose=False)
            total = 0.0
            for a, b in windows(len(ids)):
                llm.reset()
                llm.eval(ids[a:b])
                lg = np.array(llm.scores[: b - a], dtype=np.float64)
                m = lg.max(axis=1, keepdims=True)
                lse = (m[:, 0] + np.log(np.exp(lg - m).sum(axis=1)))
                total += float((lse - lg[np.arange(b - a), ids[a + 1: b + 1]]).sum())
            res["loss"] = total / (len(ids) - 1)
            res["loss_s"] = time.time() - t1
            # the logits after the chat prompt: how close the first answer token's choice is
            llm.reset()
            llm.eval(res["prompt_ids"])
            lg = np.array(llm.scores[len(res["prompt_ids"]) - 1], dtype=np.float64)
            res["prompt_top3"] = [[int(i), llm.detokenize([int(i)]).decode("utf-8", "replace"), float(lg[i])]
                                  for i in np.argsort(-lg)[:3]]
            del llm
        except Exception as e:  # noqa: BLE001 -- reported in the table
            res["error"] = "%s: %s" % (type(e).__name__, e)
        out[path] = res
        print("llama.cpp %s: %s" % (path, json.dumps(res)[:600]), flush=True)
    json.dump(out, open(job["out"], "w"), indent=1)


# ---- helpers -------------------------------------------------------------------------------------

def run(cmd, stdin=None, log=None):
    t0 = time.time()
    p = subprocess.run(cmd, cwd=ROOT, input=stdin, capture_output=True, text=True)
    dt = time.time() - t0
    if log is not None:
        log.append({"cmd": " ".join(cmd) + (" < %r" % stdin if stdin else ""), "rc": p.returncode, "s": round(dt, 1)})
    if p.returncode:
        raise RuntimeError("%s failed (rc %d): %s" % (" ".join(cmd), p.returncode, (p.stderr or p.stdout).strip()[-800:]))
    return p.stdout, dt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default="/tmp/exp_check", help="exports, logs, report")
    ap.add_argument("--source", default="models/SmolLM2-135M-Instruct.Q4_1.gguf")
    ap.add_argument("--synth-dir", default="/tmp/exp_synth")
    ap.add_argument("--lora-dir", default="/tmp/exp_lora")
    ap.add_argument("--types", default="f32,f16,q8_0")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--accel-dir", default="/tmp/exp_accel")
    ap.add_argument("--llcpp-venv", default="/tmp/llcpp_venv")
    ap.add_argument("--build-llama-cpp", action="store_true", help="pip install llama-cpp-python into --llcpp-venv if missing")
    ap.add_argument("--skip-llama-cpp", action="store_true")
    ap.add_argument("--skip-transformers", action="store_true")
    ap.add_argument("--report-only", action="store_true", help="rewrite WORK/report.md from WORK/results.json")
    ap.add_argument("--llama-cpp-worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.llama_cpp_worker:
        return llama_cpp_worker(args)
    if args.report_only:
        return write_report(args.work, json.load(open(os.path.join(args.work, "results.json"))))
    os.chdir(ROOT)
    os.makedirs(args.work, exist_ok=True)
    T0 = time.time()
    log = []          # every command run, with its time
    fails = []        # checks that must hold and did not
    notes = []

    def must(cond, msg):
        if not cond:
            fails.append(msg)
            print("FAIL: " + msg, flush=True)
        return cond

    # accelerate (for transformers' GGUF loader) before transformers is imported
    if not args.skip_transformers:
        sys.path.insert(0, args.accel_dir)
        try:
            import accelerate  # noqa: F401
        except ImportError:
            run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", args.accel_dir,
                 "accelerate==1.16.0", "psutil"], log=log)
            import importlib
            sys.path_importer_cache.pop(args.accel_dir, None)   # the folder did not exist at the first try
            importlib.invalidate_caches()
            import accelerate  # noqa: F401
    import importlib.metadata
    import numpy as np
    import torch
    import gguf
    from gguf import GGMLQuantizationType as Q
    sys.path.insert(0, os.path.join(ROOT, "dev", "reference"))
    import llama_ref as LR
    torch.set_num_threads(args.threads)
    types = args.types.split(",")

    # ---- (b)'s checkpoint ---------------------------------------------------------------------------
    lora_bin = os.path.join(args.lora_dir, "model.bin")
    if not os.path.exists(lora_bin):
        run(["./train", "synth", "--doc", "tests/fixtures/synth/mini_10k_layout.txt", "--out", args.synth_dir,
             "--ckpt", args.source, "--tokens", "4000", "--context", "64", "--replay", "0"], log=log)
        run(["./train", "inject", "--init-ckpt", args.source, "--data", args.synth_dir, "--train", "lora",
             "--lora-rank", "8", "--lr", "1e-3", "--steps", "3", "--batch", "2", "--context", "64",
             "--val-every", "0", "--sample-tokens", "0", "--out", args.lora_dir], log=log)
    else:
        notes.append("reused the LoRA checkpoint %s (made earlier by the same synth + inject commands)" % lora_bin)
    sources = {"a": args.source, "b": lora_bin}

    # ---- exports ------------------------------------------------------------------------------------
    rows = {}   # key "a:f32" etc -> results
    for s, src in sources.items():
        for ty in types:
            out = os.path.join(args.work, "%s_%s.gguf" % ("smollm2" if s == "a" else "lora", ty))
            msg, dt = run(["./train", "export", "--ckpt", src, "--out", out, "--type", ty], log=log)
            rows["%s:%s" % (s, ty)] = {"src": s, "type": ty, "file": out, "bytes": os.path.getsize(out),
                                       "export_s": round(dt, 1), "export_msg": msg.strip()}
            print(msg.strip(), "(%.1f s)" % dt, flush=True)

    # ---- ./train eval and chat on the sources and every export ---------------------------------------
    ours = {}
    for key, path in [("a:src", sources["a"]), ("b:src", sources["b"])] + [(k, r["file"]) for k, r in rows.items()]:
        o, dt = run(["./train", "eval", "--ckpt", path, "--text", TEXT, "--threads", str(args.threads)], log=log)
        ev = json.loads(o.strip().splitlines()[-1])
        o, dt2 = run(["./train", "chat", "--ckpt", path, "--max-tokens", "24", "--threads", str(args.threads)],
                     stdin=QUESTION + "\n", log=log)
        ours[key] = {"loss": ev["loss"], "tokens": ev["tokens"], "eval_s": round(dt, 1), "chat": o.strip(),
                     "chat_s": round(dt2, 1)}
        print("ours %s: loss %.9f (%d tokens, %.1f s), chat %r (%.1f s)" % (key, ev["loss"], ev["tokens"], dt, o.strip(), dt2),
              flush=True)
    must(ours["a:src"]["tokens"] == 1700, "tenk_head: 1701 tokens, 1700 predicted (reference.txt)")
    for k, r in rows.items():
        r["loss"] = ours[k]["loss"]
        r["dloss"] = ours[k]["loss"] - ours[r["src"] + ":src"]["loss"]
        r["chat"] = ours[k]["chat"]
    must(rows["a:f32"]["loss"] == ours["a:src"]["loss"], "(a) f32 export's eval loss == the source's")

    # ---- 1. the gguf package ------------------------------------------------------------------------
    src_r = gguf.GGUFReader(args.source)
    src_t = {t.name: t for t in src_r.tensors}

    def deq(t):
        shape = tuple(int(x) for x in reversed(t.shape.tolist()))
        return np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32).reshape(shape)

    ref_a = {n: deq(t) for n, t in src_t.items()}
    src_types = {}
    for t in src_r.tensors:
        src_types[t.tensor_type.name] = src_types.get(t.tensor_type.name, 0) + 1
    notes.append("source tensor types: %s" % src_types)

    # (b): the adapters read from model.bin (llm.c header + fp32 tensors in model_tensors() order), merged in float64
    raw = np.fromfile(lora_bin, dtype=np.int32, count=256)
    L, NH, C, V, Vp = int(raw[4]), int(raw[5]), int(raw[6]), int(raw[3]), int(raw[7])
    rank, alpha, llama, NKV, Fw = int(raw[9]), int(raw[10]), int(raw[17]), int(raw[18]), int(raw[19])
    must(llama == 1 and rank > 0, "model.bin is a Llama checkpoint with LoRA (header %s)" % raw[:22].tolist())
    hs = C // NH
    KV = NKV * hs
    QKV = C + 2 * KV
    par = np.fromfile(lora_bin, dtype=np.float32, offset=1024)
    sizes = [("wte", Vp * C), ("ln1w", L * C), ("qkvw", L * QKV * C), ("attprojw", L * C * C), ("ln2w", L * C),
             ("fcw", L * 2 * Fw * C), ("fcprojw", L * C * Fw), ("lnfw", C)]
    lm = [("qkv", C, QKV), ("attproj", C, C), ("fc", C, 2 * Fw), ("fcproj", Fw, C)]
    for nm, i, o in lm:
        sizes += [("lora_%s_A" % nm, L * rank * i), ("lora_%s_B" % nm, L * o * rank)]
    must(sum(n for _, n in sizes) == par.size, "model.bin size %d floats vs the layout's %d" % (par.size, sum(n for _, n in sizes)))
    P, off = {}, 0
    for nm, n in sizes:
        P[nm] = par[off: off + n]
        off += n
    base_b = {"token_embd.weight": P["wte"].reshape(Vp, C)[:V], "output_norm.weight": P["lnfw"]}
    for l in range(L):
        b = "blk.%d." % l
        qkv = P["qkvw"].reshape(L, QKV, C)[l]
        fc = P["fcw"].reshape(L, 2 * Fw, C)[l]
        base_b.update({b + "attn_norm.weight": P["ln1w"].reshape(L, C)[l], b + "ffn_norm.weight": P["ln2w"].reshape(L, C)[l],
                       b + "attn_q.weight": qkv[:C], b + "attn_k.weight": qkv[C:C + KV], b + "attn_v.weight": qkv[C + KV:],
                       b + "attn_output.weight": P["attprojw"].reshape(L, C, C)[l],
                       b + "ffn_gate.weight": fc[:Fw], b + "ffn_up.weight": fc[Fw:],
                       b + "ffn_down.weight": P["fcprojw"].reshape(L, C, Fw)[l]})
    base_same = all(np.array_equal(base_b[n], ref_a[n]) for n in ref_a)
    must(base_same, "model.bin's frozen base == the source GGUF dequantised by the gguf package (bit for bit)")
    ref_b = dict(ref_a)
    dW_max = 0.0
    scale = alpha / rank
    for mi, (nm, i, o) in enumerate(lm):
        A = P["lora_%s_A" % nm].reshape(L, rank, i).astype(np.float64)
        B = P["lora_%s_B" % nm].reshape(L, o, rank).astype(np.float64)
        for l in range(L):
            b = "blk.%d." % l
            d = scale * (B[l] @ A[l])
            dW_max = max(dW_max, float(np.abs(d).max()))
            parts = {"qkv": [("attn_q", 0, C), ("attn_k", C, C + KV), ("attn_v", C + KV, QKV)],
                     "attproj": [("attn_output", 0, C)], "fc": [("ffn_gate", 0, Fw), ("ffn_up", Fw, 2 * Fw)],
                     "fcproj": [("ffn_down", 0, C)]}[nm]
            for g, r0, r1 in parts:
                n = b + g + ".weight"
                ref_b[n] = (ref_a[n].astype(np.float64) + d[r0:r1]).astype(np.float32)
    notes.append("LoRA (b): rank %d, alpha %d (scale %g); largest |alpha/r * B A| entry of the merge: %.3g" % (rank, alpha, scale, dW_max))
    refs = {"a": ref_a, "b": ref_b}

    skip_keys = {"general.name", "general.file_type", "GGUF.kv_count", "GGUF.tensor_count"}
    src_fields = {k: f for k, f in src_r.fields.items()}
    want_type = {"f32": Q.F32, "f16": Q.F16, "q8_0": Q.Q8_0}
    want_ftype = {"f32": 0, "f16": 1, "q8_0": 7}
    import jinja2
    for k, r in rows.items():
        t0 = time.time()
        try:
            er = gguf.GGUFReader(r["file"])
            r["gguf_read"] = True
        except Exception as e:  # noqa: BLE001
            r["gguf_read"] = False
            r["gguf_error"] = "%s: %s" % (type(e).__name__, e)
            must(False, "%s: GGUFReader failed: %s" % (k, r["gguf_error"]))
            continue
        ok = True
        # metadata: every key of the source but general.* extras must be there with the same value
        missing, differ = [], []
        for key, f in src_fields.items():
            if key in skip_keys:
                continue
            if key not in er.fields:
                missing.append(key)
                continue
            a, b = f.contents(), er.fields[key].contents()
            if a != b or f.types != er.fields[key].types:
                differ.append(key)
        extra = [key for key in er.fields if key not in src_fields]
        r["meta_missing"], r["meta_differ"], r["meta_extra"] = missing, differ, extra
        needed = ["general.architecture", "llama.block_count", "llama.context_length", "llama.embedding_length",
                  "llama.feed_forward_length", "llama.attention.head_count", "llama.attention.head_count_kv",
                  "llama.rope.freq_base", "llama.attention.layer_norm_rms_epsilon", "llama.rope.dimension_count",
                  "llama.vocab_size", "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
                  "tokenizer.ggml.token_type", "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id",
                  "tokenizer.ggml.eos_token_id", "tokenizer.chat_template"]
        ok &= must(not [n for n in needed if n in missing or n in differ],
                   "%s: llama metadata missing %s / different %s" % (k, [n for n in needed if n in missing], [n for n in needed if n in differ]))
        ok &= must(er.fields["general.file_type"].contents() == want_ftype[r["type"]], "%s: general.file_type" % k)
        tmpl = jinja2.Environment().from_string(er.fields["tokenizer.chat_template"].contents())
        ok &= must(tmpl.render(messages=[{"role": "user", "content": QUESTION}], add_generation_prompt=True) == PROMPT,
                   "%s: chat_template renders another prompt" % k)
        # tensors
        et = {t.name: t for t in er.tensors}
        ok &= must(list(et) and set(et) == set(src_t), "%s: tensor names differ from the source's: missing %s extra %s"
                   % (k, sorted(set(src_t) - set(et))[:5], sorted(set(et) - set(src_t))[:5]))
        align = er.alignment if hasattr(er, "alignment") else 32
        bad = [n for n, t in et.items() if n in src_t and (t.shape.tolist() != src_t[n].shape.tolist()
               or t.tensor_type != (Q.F32 if len(t.shape) == 1 else want_type[r["type"]]) or t.data_offset % align)]
        ok &= must(not bad, "%s: shape/type/alignment wrong for %s" % (k, bad[:5]))
        ref = refs[r["src"]]
        worst = {"abs": 0.0, "rel": 0.0, "abs_name": "", "rel_name": ""}
        mism, total, step_units = 0, 0, 0.0
        for n, t in et.items():
            if n not in ref:
                continue
            x = ref[n]
            y = deq(t)
            err = np.abs(y.astype(np.float64) - x.astype(np.float64))
            e = float(err.max())
            rel = e / max(float(np.abs(x).max()), 1e-30)   # relative to the tensor's largest |w|
            if e > worst["abs"]:
                worst["abs"], worst["abs_name"] = e, n
            if rel > worst["rel"]:
                worst["rel"], worst["rel_name"] = rel, n
            total += x.size
            if t.tensor_type == Q.F32:
                mism += int((y != x).sum())
            elif t.tensor_type == Q.F16:
                mism += int((np.asarray(t.data).reshape(-1).view(np.uint16) != x.astype(np.float16).reshape(-1).view(np.uint16)).sum())
                nz = np.abs(x) >= 2.0 ** -14
                worst["f16_elem_rel"] = max(worst.get("f16_elem_rel", 0.0), float((err[nz] / np.abs(x[nz])).max()))
            elif t.tensor_type == Q.Q8_0:
                want = gguf.quants.quantize(x, Q.Q8_0).reshape(-1, 34)
                got = np.asarray(t.data).reshape(-1, 34)
                mism += int((want != got).any(axis=1).sum()) * 32   # counted in weights of differing blocks
                amax = np.abs(x.reshape(-1, 32)).max(axis=1).astype(np.float64) / 127
                u = err.reshape(-1, 32).max(axis=1)[amax > 0] / amax[amax > 0]
                step_units = max(step_units, float(u.max()))
        r["max_abs_err"], r["max_abs_err_tensor"] = worst["abs"], worst["abs_name"]
        r["max_rel_err"], r["max_rel_err_tensor"] = worst["rel"], worst["rel_name"]
        r["mismatch"], r["values"] = mism, total
        if "f16_elem_rel" in worst:
            r["f16_max_elem_rel"] = worst["f16_elem_rel"]
        if step_units:
            r["q8_max_err_in_steps"] = step_units
        if r["type"] == "f32" and r["src"] == "a":
            ok &= must(mism == 0, "%s: f32 values differ from the dequantised source in %d places" % (k, mism))
        if r["type"] == "f32" and r["src"] == "b":
            ok &= must(worst["rel"] < 1e-6, "%s: f32 merge off the float64 merge by %.3g (rel)" % (k, worst["rel"]))
        if r["type"] == "f16":
            ok &= must(mism == 0 or r["src"] == "b", "%s: %d f16 values differ from numpy's rounding" % (k, mism))
        if r["type"] == "q8_0":
            # |x - q d16| <= d/2 + 127 |d - d16| <= (1/2 + 127 * 2^-11) d for d normal in f16
            ok &= must(step_units <= 0.5 + 127 * 2.0 ** -11, "%s: Q8_0 error %.3g steps" % (k, step_units))
            if r["src"] == "a":
                ok &= must(mism == 0, "%s: %d weights in Q8_0 blocks unlike gguf.quants.quantize's" % (k, mism))
        r["gguf_ok"] = bool(ok)
        r["gguf_s"] = round(time.time() - t0, 1)
        print("gguf %s: ok %s, max abs err %.3g (%s), max rel err %.3g (%s), mismatches %d/%d, missing %s, differ %s, extra %s (%.1f s)"
              % (k, ok, r["max_abs_err"], r["max_abs_err_tensor"], r["max_rel_err"], r["max_rel_err_tensor"], mism, total,
                 missing, differ, extra, r["gguf_s"]), flush=True)
        del er

    # ---- 3. transformers ----------------------------------------------------------------------------
    ids_ours = [int(x) for x in run(["./train", "encode", "--tokenizer", args.source, TEXT], log=log)[0].split()]
    tf = {}
    if not args.skip_transformers:
        import transformers
        from transformers import AutoTokenizer, LlamaForCausalLM
        _, ref_model_a, _ = LR.load_smollm2(os.path.join(ROOT, args.source))
        cfg = ref_model_a.config
        L_ = cfg.num_hidden_layers

        def model_from(tensors):
            sd = {}
            for n, w in tensors.items():
                w = torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32))
                if ".attn_q." in n:
                    w = LR.unpermute(w, cfg.num_attention_heads)
                elif ".attn_k." in n:
                    w = LR.unpermute(w, cfg.num_key_value_heads)
                sd[LR.gguf_to_hf_name(n, L_)] = w
            torch.manual_seed(0)
            m = LlamaForCausalLM(cfg)
            missing, unexpected = m.load_state_dict(sd, strict=False)
            assert set(missing) <= {"lm_head.weight"} and not unexpected
            return m.float().eval()

        short = torch.tensor([ids_ours[:128]])
        ref_models = {"a": ref_model_a, "b": model_from(ref_b)}
        ref_logits, ref_loss = {}, {}
        with torch.inference_mode():
            for s, m in ref_models.items():
                ref_logits[s] = m(input_ids=short).logits
                t0 = time.time()
                ref_loss[s] = LR.window_loss(m, ids_ours)[0]
                print("transformers reference (%s, source weights): loss %.9f (%.1f s)" % (s, ref_loss[s], time.time() - t0), flush=True)
        tf["ref_loss"] = ref_loss
        tf["version"] = transformers.__version__
        tk_text = open(TEXT, encoding="utf-8").read()
        tenk = open(TENK, encoding="utf-8").read()
        ids_tenk_ours = [int(x) for x in run(["./train", "encode", "--tokenizer", args.source, TENK], log=log)[0].split()]
        ref_prompt = None
        for line in open("tests/fixtures/smollm2/reference.txt", encoding="utf-8"):
            if line.startswith("chat.prompt_ids "):
                ref_prompt = [int(x) for x in line.split()[1:]]
        tf["ref_prompt_ids"] = ref_prompt
        # byte length of every token (each character of a byte-level BPE token is one byte), to compare two
        # tokenisations of a text by the byte spans of their tokens: an id counts as differing when the other
        # side has no token over the same bytes (linear; difflib takes minutes on the 10-K)
        blen = [len(t) for t in src_fields["tokenizer.ggml.tokens"].contents()]

        def span_diff(a, b):
            def spans(ids):
                out, p = [], 0
                for i in ids:
                    out.append((p, p + blen[i]))
                    p += blen[i]
                return out
            sa, sb = spans(a), spans(b)
            ta, tb = set(sa), set(sb)
            return sum(x not in tb for x in sa), sum(x not in ta for x in sb)
        hf_src = {}
        tk_src = LR.smollm2_tokenizer(src_r)
        for k, r in [("a:src", {"file": os.path.join(ROOT, args.source), "src": "a"})] + list(rows.items()):
            res = {}
            t0 = time.time()
            try:
                d, base = os.path.split(r["file"])
                hf = LlamaForCausalLM.from_pretrained(d, gguf_file=base, dtype=torch.float32, attn_implementation="eager").eval()
                res["load_s"] = round(time.time() - t0, 1)
                own = model_from({t.name: deq(t) for t in gguf.GGUFReader(r["file"]).tensors})
                with torch.inference_mode():
                    lg = hf(input_ids=short).logits
                    res["logits_vs_same_file"] = float((lg - own(input_ids=short).logits).abs().max())
                    res["logits_vs_source"] = float((lg - ref_logits[r["src"]]).abs().max())
                    if ref_prompt:   # the logits after the chat prompt (the first answer token's choice)
                        pl = hf(input_ids=torch.tensor([ref_prompt])).logits[0, -1].double()
                        res["prompt_top3"] = [[int(i), tk_src.decode([int(i)]), float(pl[i])] for i in torch.argsort(-pl)[:3]]
                    t1 = time.time()
                    res["loss"] = LR.window_loss(hf, ids_ours)[0]
                    res["loss_s"] = round(time.time() - t1, 1)
                del hf, own
                must(res["logits_vs_same_file"] < 1e-4, "%s: transformers' GGUF load != the gguf package's (%.3g)" % (k, res["logits_vs_same_file"]))
                # tokenizers: transformers' from the metadata, and tokenizers rebuilt with the digit split
                t1 = time.time()
                ht = AutoTokenizer.from_pretrained(d, gguf_file=base)
                h1 = ht(tk_text, add_special_tokens=False)["input_ids"]
                h2 = ht(tenk, add_special_tokens=False)["input_ids"]
                hp = ht(PROMPT, add_special_tokens=False)["input_ids"]
                res["hf_tok_len_tenk_head"] = [len(h1), len(ids_ours)]
                res["hf_tok_diff_tenk_head"] = span_diff(h1, ids_ours)
                res["hf_tok_len_10k"] = [len(h2), len(ids_tenk_ours)]
                res["hf_tok_diff_10k"] = span_diff(h2, ids_tenk_ours)
                res["hf_tok_first_diff_10k"] = next((i for i, (a, b) in enumerate(zip(h2, ids_tenk_ours)) if a != b), None)
                if k == "a:src":
                    hf_src = {"h1": h1, "h2": h2, "hp": hp}
                else:
                    res["hf_tok_same_as_from_source"] = h1 == hf_src.get("h1") and h2 == hf_src.get("h2") and hp == hf_src.get("hp")
                    must(res["hf_tok_same_as_from_source"], "%s: transformers builds another tokenizer from the export than from the source" % k)
                res["hf_prompt_ids_ok"] = hp == ref_prompt
                tk = LR.smollm2_tokenizer(gguf.GGUFReader(r["file"]))
                res["digit_tok_diff_tenk_head"] = int(tk.encode(tk_text, add_special_tokens=False).ids != ids_ours)
                res["digit_tok_diff_10k"] = int(tk.encode(tenk, add_special_tokens=False).ids != ids_tenk_ours)
                res["digit_tok_prompt_ok"] = tk.encode(PROMPT, add_special_tokens=False).ids == ref_prompt
                must(not res["digit_tok_diff_10k"] and not res["digit_tok_diff_tenk_head"] and res["digit_tok_prompt_ok"],
                     "%s: the GGUF's tokenizer (digit split) != ours" % k)
                if k != "a:src":
                    ids_exp = [int(x) for x in run(["./train", "encode", "--tokenizer", r["file"], TENK], log=log)[0].split()]
                    res["ours_from_export_same_10k_ids"] = ids_exp == ids_tenk_ours
                    must(ids_exp == ids_tenk_ours, "%s: ./train's tokenizer read back from the export != the source's" % k)
                res["tok_s"] = round(time.time() - t1, 1)
            except Exception as e:  # noqa: BLE001
                res["error"] = "%s: %s" % (type(e).__name__, str(e)[:400])
                must(False, "%s: transformers: %s" % (k, res["error"]))
            tf[k] = res
            print("transformers %s: %s (%.1f s)" % (k, json.dumps(res), time.time() - t0), flush=True)

    # ---- 5. llama.cpp -------------------------------------------------------------------------------
    lc = {}
    py = os.path.join(args.llcpp_venv, "bin", "python")
    have = os.path.exists(py) and subprocess.run([py, "-c", "import llama_cpp"], capture_output=True).returncode == 0
    if not have and args.build_llama_cpp and not args.skip_llama_cpp:
        subprocess.run(["python3", "-m", "venv", args.llcpp_venv], check=True)
        env = dict(os.environ, CMAKE_BUILD_PARALLEL_LEVEL="2")
        t0 = time.time()
        p = subprocess.run(["nice", "-n", "19", py, "-m", "pip", "install", "llama-cpp-python"], env=env,
                           capture_output=True, text=True)
        log.append({"cmd": "CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 %s -m pip install llama-cpp-python" % py,
                    "rc": p.returncode, "s": round(time.time() - t0, 1)})
        if p.returncode:
            notes.append("llama-cpp-python build failed: " + (p.stdout + p.stderr)[-1500:])
        have = p.returncode == 0
    if args.skip_llama_cpp:
        notes.append("llama.cpp skipped (--skip-llama-cpp)")
    elif not have:
        must(False, "llama-cpp-python is not installed in %s (see --build-llama-cpp)" % args.llcpp_venv)
    else:
        job = os.path.join(args.work, "llama_cpp_job.json")
        files = [os.path.join(ROOT, args.source)] + [r["file"] for r in rows.values()]
        json.dump({"files": files, "ids": ids_ours, "out": os.path.join(args.work, "llama_cpp.json")}, open(job, "w"))
        t0 = time.time()
        p = subprocess.run([py, os.path.abspath(__file__), "--llama-cpp-worker", job], cwd=ROOT, capture_output=True, text=True)
        log.append({"cmd": "%s dev/gguf/check_export.py --llama-cpp-worker %s" % (py, job), "rc": p.returncode,
                    "s": round(time.time() - t0, 1)})
        print(p.stdout, p.stderr[-3000:], flush=True)
        if must(p.returncode == 0, "llama.cpp worker failed: %s" % p.stderr[-1500:]):
            lc = json.load(open(os.path.join(args.work, "llama_cpp.json")))
        ref_prompt = tf.get("ref_prompt_ids")
        for k, path in [("a:src", files[0])] + [(k, r["file"]) for k, r in rows.items()]:
            res = lc.get(path, {})
            our = ours[k]["chat"]
            lc[k] = res
            if "error" in res:
                must(False, "%s: llama.cpp: %s" % (k, res["error"]))
                continue
            if not res:
                continue
            res["match_chat_completion"] = res["chat_completion"].strip() == our
            res["match_completion"] = res["completion"].strip() == our
            if ref_prompt:
                res["prompt_ids_ok"] = res["prompt_ids"] == ref_prompt
                must(res["prompt_ids_ok"], "%s: llama.cpp tokenises the ChatML prompt as %s" % (k, res["prompt_ids"]))
            if res["match_chat_completion"] and res["match_completion"]:
                continue
            # A different answer is a failure for f32 and f16. With quantised weights llama.cpp also quantises the
            # activations (Q8 blocks) in its matmuls, so where the first answer token is a near tie in fp32 it may
            # flip: reported, not failed, when ./train's first token is within NEAR_TIE of llama.cpp's top logit.
            top = res.get("prompt_top3", [])
            fp32_top = tf.get(k, {}).get("prompt_top3", [[None, None]])[0]   # transformers' fp32 choice on this file
            first = fp32_top[0] if fp32_top[1] is not None and our.startswith(fp32_top[1].strip()) else None
            lg = dict((x[0], x[2]) for x in top)
            margin = top[0][2] - lg[first] if top and first in lg else float("inf")
            res["first_token_margin"] = margin
            msg = "%s: llama.cpp answers %r / %r, ./train chat %r" % (k, res["chat_completion"], res["completion"], our)
            if k.endswith(":f32") or k.endswith(":f16") or margin > NEAR_TIE:
                must(False, msg)
            else:
                res["near_tie"] = True
                notes.append(msg + ": a near tie at the first answer token (llama.cpp's top %r %.3f, ./train's choice %r %.3f "
                             "(the fp32 choice) lower by %.3f < %g), not counted as a failure" % (top[0][1], top[0][2],
                                                                                 [x[1] for x in top if x[0] == first][0],
                                                                                 lg[first], margin, NEAR_TIE))

    miss = sorted(set(x for r in rows.values() for x in r.get("meta_missing", [])))
    notes.append("metadata keys of the source GGUF that the exports do not carry (llama.cpp needs none of them): %s; "
                 "keys whose values differ: %s (general.name and general.file_type are not compared)"
                 % (", ".join(miss) or "none", ", ".join(sorted(set(x for r in rows.values() for x in r.get("meta_differ", [])))) or "none"))
    notes.append("./train eval prints the loss with 6 decimals, so 'identical' in the table means equal to 1e-6; the f32 export "
                 "of (a) holds bit-identical weights (column 4), which is the stronger check")
    notes.append("versions: gguf %s, transformers %s, torch %s, llama-cpp-python %s" % (
        importlib.metadata.version("gguf"), tf.get("version"), torch.__version__, lc.get("version")))
    total = time.time() - T0
    R = {"rows": rows, "ours": ours, "transformers": tf, "llama_cpp": lc, "notes": notes, "fails": fails, "log": log,
         "total_s": total, "sources": sources}
    json.dump(R, open(os.path.join(args.work, "results.json"), "w"), indent=1, default=str)
    write_report(args.work, R)
    return 1 if fails else 0


def write_report(work, R):
    """WORK/report.md from results.json's content (--report-only redoes it)"""
    rows, ours, tf, lc, sources = R["rows"], R["ours"], R["transformers"], R["llama_cpp"], R["sources"]
    notes, fails, log, total = R["notes"], R["fails"], R["log"], R["total_s"]
    # ---- the tables ---------------------------------------------------------------------------------------
    def f(x, fmt="%.3g"):
        return "-" if x is None else fmt % x

    def yn(x):
        return "-" if x is None else ("yes" if x else "NO")
    order = [("a:src", None)] + [(k, r) for k, r in rows.items() if r["src"] == "a"] + [("b:src", None)] + \
            [(k, r) for k, r in rows.items() if r["src"] == "b"]
    names = {"a:src": "(a) SmolLM2 Q4_1 GGUF (source)", "b:src": "(b) LoRA model.bin (source, unmerged)"}
    lines = ["| export | size (bytes) | gguf package: read / checks | max abs err vs reference (tensor); detail | max rel err "
             "(of tensor max) | ./train eval loss (minus source's) | transformers loss | transformers max logit diff: vs "
             "same file / vs source | llama.cpp answer | ./train chat answer | match |", "|" + "---|" * 11]
    for k, r in order:
        t_, l_ = tf.get(k, {}), lc.get(k, {})
        match = yn(l_.get("match_chat_completion") and l_.get("match_completion")) if l_ else "-"
        if l_.get("near_tie"):
            match = "NO (first token a near tie: %.3f logits)" % l_["first_token_margin"]
        if "error" in l_:
            match = "NO (llama.cpp failed)"
        lc_ans = repr(l_["chat_completion"]) if "chat_completion" in l_ else ("n/a" if k == "b:src" else "-")
        tfd = "%s / %s" % (f(t_.get("logits_vs_same_file")), f(t_.get("logits_vs_source"))) if "loss" in t_ else "-"
        if r is None:
            lines.append("| %s | %d | %s | - | - | %.6f | %s | %s | %s | %r | %s |" % (
                names[k], os.path.getsize(sources[k[0]]), "yes (source)" if k == "a:src" else "n/a", ours[k]["loss"],
                f(t_.get("loss"), "%.6f"), tfd, lc_ans, ours[k]["chat"], match))
            continue
        if not r.get("gguf_read"):
            gg, err = "NO: " + r.get("gguf_error", ""), "-"
        else:
            gg = "yes / " + ("ok" if r.get("gguf_ok") else "FAIL")
            err = "%.3g (%s)" % (r["max_abs_err"], r["max_abs_err_tensor"] or "all equal")
            if "q8_max_err_in_steps" in r:
                err += "; max %.3f block steps (amax/127); %d weights in blocks unlike gguf.quants.quantize" % (r["q8_max_err_in_steps"], r["mismatch"])
            elif "f16_max_elem_rel" in r:
                err += "; elem rel %.3g; %d values unlike numpy float16 rounding" % (r["f16_max_elem_rel"], r["mismatch"])
            else:
                err += "; %d of %d values differ" % (r["mismatch"], r["values"])
        lines.append("| (%s) %s | %d | %s | %s | %s | %.6f (%+.1e) | %s | %s | %s | %r | %s |" % (
            r["src"], r["type"], r["bytes"], gg, err, f(r.get("max_rel_err")), r["loss"], r["dloss"],
            f(t_.get("loss"), "%.6f"), tfd, lc_ans, r["chat"], match))
    lines += ["", "Details: llama.cpp (both ways of prompting), its loss on tenk_head with our ids, and the tokenizers.", "",
              "| export | llama.cpp create_chat_completion (finish) | llama.cpp completion of ChatML ids (finish) | llama.cpp prompt ids "
              "== reference.txt | llama.cpp loss (minus ./train eval's) | llama.cpp load / chat / loss s | transformers "
              "tokenizer from GGUF: ids (ours) tenk_head; 10-K; ids in differing spans hf/ours | same as from source | "
              "tokenizers with digit split == ours | ./train encode from export == from source |", "|" + "---|" * 9]
    for k, r in order:
        t_, l_ = tf.get(k, {}), lc.get(k, {})
        name = names.get(k, "(%s) %s" % (k[0], k[2:]))
        if "chat_completion" in l_:
            lcs = ["%r (%s)" % (l_["chat_completion"], l_["chat_completion_finish"]), "%r (%s)" % (l_["completion"], l_["completion_finish"]),
                   yn(l_.get("prompt_ids_ok")), "%.6f (%+.1e)" % (l_["loss"], l_["loss"] - ours[k]["loss"]),
                   "%.1f / %.1f / %.1f" % (l_["load_s"], l_["chat_s"], l_["loss_s"])]
        else:
            lcs = [l_.get("error", "n/a" if k == "b:src" else "-")] + ["-"] * 4
        if "hf_tok_diff_10k" in t_:
            tks = ["%d (%d); %d (%d); %d/%d and %d/%d" % (t_["hf_tok_len_tenk_head"][0], t_["hf_tok_len_tenk_head"][1],
                                                           t_["hf_tok_len_10k"][0], t_["hf_tok_len_10k"][1],
                                                           t_["hf_tok_diff_tenk_head"][0], t_["hf_tok_diff_tenk_head"][1],
                                                           t_["hf_tok_diff_10k"][0], t_["hf_tok_diff_10k"][1]),
                   yn(t_.get("hf_tok_same_as_from_source")) if k != "a:src" else "(source)",
                   yn(not t_["digit_tok_diff_tenk_head"] and not t_["digit_tok_diff_10k"] and t_["digit_tok_prompt_ok"]),
                   yn(t_.get("ours_from_export_same_10k_ids")) if k != "a:src" else "(source)"]
        else:
            tks = [t_.get("error", "-")] + ["-"] * 3
        lines.append("| %s | %s |" % (name, " | ".join(lcs + tks)))
    lines += ["", "The first answer token: the top 3 logits after the chat prompt (token, logit).", "",
              "| export | llama.cpp | transformers (fp32, the file as transformers loads it) |", "|---|---|---|"]
    for k, r in order:
        t_, l_ = tf.get(k, {}), lc.get(k, {})
        if "prompt_top3" in l_ or "prompt_top3" in t_:
            lines.append("| %s | %s | %s |" % (names.get(k, "(%s) %s" % (k[0], k[2:])),
                         ", ".join("%r %.3f" % (x[1], x[2]) for x in l_.get("prompt_top3", [])) or "-",
                         ", ".join("%r %.3f" % (x[1], x[2]) for x in t_.get("prompt_top3", [])) or "-"))
    report = "\n".join(lines)
    body = ["# ./train export check (dev/gguf/check_export.py)", "", report, "", "## notes"] + ["- " + n for n in notes] + \
           ["", "## failures"] + (["- " + x for x in fails] or ["none"]) + ["", "## commands"] + \
           ["- `%s` rc %d, %.1f s" % (c["cmd"], c["rc"], c["s"]) for c in log] + ["", "total %.1f s" % total]
    open(os.path.join(work, "report.md"), "w").write("\n".join(body) + "\n")
    print("\n".join(body))


if __name__ == "__main__":
    sys.exit(main())
