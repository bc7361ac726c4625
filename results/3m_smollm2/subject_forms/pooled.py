"""pooled.py: held-out accuracy on splits B, C and D, each and pooled (those every model was asked) (A left out: it chose the memory's setting),
per model, with the familiarity control and paired differences against two references.

Reads what dev/heldout_b.sh wrote (OUT/heldout_b, heldout_c, heldout_d: closed book and without the
question). Run from the repository root:
  python3 results/3m_smollm2/subject_forms/pooled.py base=RUNS_W:base before=RUNS_H:synth-memory-sparse after=RUNS_S:synth-memory-sparse
(label=OUT:MODEL; differences are paired against the first two labels.) Prints a markdown table.
"""
import json, math, sys

runs = [(r.split("=", 1)[0], *r.split("=", 1)[1].split(":")) for r in sys.argv[1:]]
import os
# the splits every model has been asked
splits = "".join(s for s in "bcd" if all(os.path.exists(f"{d}/heldout_{s}/{m}_no-question.jsonl") for _, d, m in runs))

def answers(d, m, s):
    na = int(open(f"{d}/heldout_{s}/n_a.txt").read())
    closed = [json.loads(l) for l in open(f"{d}/heldout_{s}/{m}_closed.jsonl")][na:]
    noq = [json.loads(l) for l in open(f"{d}/heldout_{s}/{m}_no-question.jsonl")][na:]
    return [(x["correct"], x["p_right"], y["correct"]) for x, y in zip(closed, noq)]

A = {label: {s: answers(d, m, s) for s in splits} for label, d, m in runs}

def paired(x, y):
    d = [p - q for p, q in zip(x, y)]; k = len(d); mu = sum(d) / k
    return 100 * mu, 100 * math.sqrt(sum((v - mu) ** 2 for v in d) / (k - 1) / k)

refs = [r[0] for r in runs[:2]]
groups = [(s.upper(), s) for s in splits] + ([("+".join(splits.upper()), splits)] if len(splits) > 1 else [])
print("| model | questions (n) | accuracy | no question | above control | soft | " + " | ".join(f"vs {r} | soft vs {r}" for r in refs) + " |")
print("|---|---|---|---|---|---|" + "---|---|" * len(refs))
for label, _, _ in runs:
    for name, ss in groups:
        a = [x for s in ss for x in A[label][s]]
        k = len(a); acc = 100 * sum(x[0] for x in a) / k; ctl = 100 * sum(x[2] for x in a) / k; soft = 100 * sum(x[1] for x in a) / k
        se = math.sqrt(acc * (100 - acc) / k)
        cells = []
        for r in refs:
            if r == label: cells += ["-", "-"]; continue
            b = [x for s in ss for x in A[r][s]]
            cells += ["%+.1f ± %.1f" % paired([x[0] for x in a], [x[0] for x in b]), "%+.1f ± %.1f" % paired([x[1] for x in a], [x[1] for x in b])]
        print(f"| {label} | {name} ({k}) | {acc:.1f}% ± {se:.1f} | {ctl:.1f}% | {acc - ctl:+.1f} | {soft:.1f}% | " + " | ".join(cells) + " |")
