#!/usr/bin/env bash
# dev/heldout_b.sh: a ./train 3m run's models asked held-out split B (data/3m/qa_heldout_b.jsonl:
# 100 questions on pages 25-48, written after the memory sweep and blind to the generator), or with
# SPLIT=c split C (data/3m/qa_heldout_c.jsonl, written later, blind to every model's answers too), or
# SPLIT=d split D (data/3m/qa_heldout_d.jsonl, written later still, blind to the generator),
# beside the first held-out split's questions on those pages (A). Per model and split: accuracy, the
# familiarity control (the choices without their question), soft accuracy, and paired differences
# against the base and naive; the base also reads each question's evidence (oracle: the ceiling).
# Writes OUT/heldout_b/ (SPLIT=c: OUT/heldout_c/, d: OUT/heldout_d/) report.md and results.json.
# Usage: dev/heldout_b.sh OUT [MODEL ...]   (default models: base naive synth-memory-sparse)
#        THREADS=N (2)  SPLIT=b|c|d (b)   OUT: a ./train 3m --base models/SmolLM2-135M-Instruct.Q4_1.gguf folder
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$1; shift
MODELS=${*:-base naive synth-memory-sparse}
THREADS=${THREADS:-2}
SPLIT=${SPLIT:-b}
case $SPLIT in b|c|d) ;; *) echo "heldout_b: SPLIT must be b, c or d, not $SPLIT" >&2; exit 2;; esac
D=$OUT/heldout_$SPLIT
mkdir -p "$D"
# split A: the questions of qa_heldout.jsonl whose evidence lies in pages 25-48, by check_qa.py's rule
# (./train 3m's); split B (or C) after them
python3 - "$D" "$SPLIT" <<'PY'
import json, sys
sys.path.insert(0, "data/3m")
import check_qa
pages = open("data/3m/3M_2022_10K.txt", encoding="utf-8").read().split("\f")
region = check_qa.norm("\f".join(pages[24:48]))
a = [json.loads(l) for l in open("data/3m/qa_heldout.jsonl") if l.strip()]
a = [q for q in a if check_qa.evidence_ok(region, q["evidence"])[0]]
b = [json.loads(l) for l in open("data/3m/qa_heldout_%s.jsonl" % sys.argv[2]) if l.strip()]
assert all(check_qa.evidence_ok(region, q["evidence"])[0] for q in b)
open(sys.argv[1] + "/qa_ab.jsonl", "w").write("".join(json.dumps(q) + "\n" for q in a + b))
open(sys.argv[1] + "/n_a.txt", "w").write("%d\n" % len(a))
print("heldout_b: split A %d questions in the pages, split %s %d" % (len(a), sys.argv[2].upper(), len(b)))
PY
for m in $MODELS; do
    ck=$OUT/$m/model.bin
    [ -f "$ck" ] || { echo "heldout_b: no $ck" >&2; exit 1; }
    asks="closed no-question"; [ "$m" = base ] && asks="$asks oracle"
    for ask in $asks; do
        f=$D/${m}_$ask.jsonl
        [ -f "$f" ] && [ "$f" -nt "$ck" ] && continue
        /usr/bin/time -f "heldout_b: $m --ask $ask: %e s" ./train eval --ckpt "$ck" --qa "$D/qa_ab.jsonl" --ask $ask --answers "$f" --threads "$THREADS"
    done
done
python3 - "$D" "$SPLIT" $MODELS <<'PY'
import json, math, sys
d, S, models = sys.argv[1], sys.argv[2].upper(), sys.argv[3:]
na = int(open(d + "/n_a.txt").read())
load = lambda m, ask: [json.loads(l) for l in open("%s/%s_%s.jsonl" % (d, m, ask))]
R = {m: {ask: load(m, ask) for ask in ("closed", "no-question")} for m in models}
n = len(R[models[0]]["closed"])
splits = {"A": (0, na), S: (na, n), "A+" + S: (0, n)}
def paired(x, y):  # eval/eval.h's paired_diff
    dd = [p - q for p, q in zip(x, y)]
    k = len(dd); mu = sum(dd) / k
    return mu, math.sqrt(sum((v - mu) ** 2 for v in dd) / (k - 1) / k)
pm = lambda t: "%+.1f ± %.1f" % (100 * t[0], 100 * t[1])
res, rows = {}, []
for m in models:
    for s, (i, j) in splits.items():
        c = [x["correct"] for x in R[m]["closed"][i:j]]
        p = [x["p_right"] for x in R[m]["closed"][i:j]]
        k = len(c); acc = sum(c) / k
        r = {"n": k, "accuracy": acc, "stderr": math.sqrt(acc * (1 - acc) / k),
             "control": sum(x["correct"] for x in R[m]["no-question"][i:j]) / k, "soft": sum(p) / k}
        cells = ["%.1f%% ± %.1f" % (100 * acc, 100 * r["stderr"]), "%.1f%%" % (100 * r["control"]), "%+.1f" % (100 * (acc - r["control"])), "%.1f%%" % (100 * r["soft"])]
        for ref in ("base", "naive"):
            if ref in R and ref != m:
                rc = [x["correct"] for x in R[ref]["closed"][i:j]]; rp = [x["p_right"] for x in R[ref]["closed"][i:j]]
                r["vs_" + ref], r["soft_vs_" + ref] = paired(c, rc), paired(p, rp)
                cells += [pm(r["vs_" + ref]), pm(r["soft_vs_" + ref])]
            else:
                cells += ["-", "-"]
        res.setdefault(m, {})[s] = r
        rows.append("| %s | %s (%d) | %s |" % (m, s, k, " | ".join(cells)))
oracle = {}
if "base" in models:
    o = load("base", "oracle")
    for s, (i, j) in splits.items():
        oracle[s] = sum(x["correct"] for x in o[i:j]) / (j - i)
md = ["# Held-out split %s beside split A (closed book)" % S, "",
      "A: the %d questions of data/3m/qa_heldout.jsonl whose evidence lies in pages 25-48; %s: data/3m/qa_heldout_%s.jsonl (%d, all in the pages). "
      "Accuracy ± one standard error; no question: the choices scored after \"Answer:\" alone; above: accuracy minus that control; soft: the right "
      "choice's share of a softmax over the choices' scores; vs base / naive: paired differences on the same questions, points ± one standard error." % (na, S, S.lower(), n - na), "",
      "| model | split (n) | accuracy | no question | above | soft | vs base | soft vs base | vs naive | soft vs naive |",
      "|---|---|---|---|---|---|---|---|---|---|"] + rows
if oracle:
    md += ["", "The base reading each question's evidence passage first (oracle): " + ", ".join("%s %.1f%%" % (s, 100 * v) for s, v in oracle.items()) + "."]
open(d + "/report.md", "w").write("\n".join(md) + "\n")
json.dump({"models": res, "oracle_base": oracle}, open(d + "/results.json.tmp", "w"), indent=1)
import os; os.replace(d + "/results.json.tmp", d + "/results.json")
print("\n".join(md))
PY
