"""inside.py: held-out accuracy inside and outside a page range, per model, paired against the first.

Reads the answers dev/heldout_b.sh wrote (OUT/heldout_b and OUT/heldout_c: A+B and A+C, closed book and
without the question) and splits the questions by whether their evidence lies in pages LO-HI of the
10-K's text (data/3m/check_qa.py's rule). Run from the repository root:
  python3 results/3m_smollm2/focused/inside.py 30 33 base=RUNS_W:base focused=RUNS_P30:synth-memory-sparse ...
(label=OUT:MODEL; the first is the reference; OUT/heldout_b/qa_ab.jsonl of the first gives the questions).
"""
import json, math, sys
sys.path.insert(0, "data/3m")
import check_qa

lo, hi = int(sys.argv[1]), int(sys.argv[2])
runs = [(r.split("=", 1)[0], *r.split("=", 1)[1].split(":")) for r in sys.argv[3:]]
pages = open("data/3m/3M_2022_10K.txt", encoding="utf-8").read().split("\f")
region = check_qa.norm("\f".join(pages[lo - 1:hi]))
first = runs[0][1]
qs = {}  # (split file, index) -> (split, inside?)
for s in "bc":
    qa = [json.loads(l) for l in open(f"{first}/heldout_{s}/qa_ab.jsonl")]
    na = int(open(f"{first}/heldout_{s}/n_a.txt").read())
    for i, q in enumerate(qa):
        if i < na and s == "c": continue  # split A is asked in both files; count it once
        qs[(s, i)] = ("A" if i < na else s.upper(), check_qa.evidence_ok(region, q["evidence"])[0])
ans = {}
for label, d, m in runs:
    a = {}
    for s in "bc":
        closed = [json.loads(l) for l in open(f"{d}/heldout_{s}/{m}_closed.jsonl")]
        noq = [json.loads(l) for l in open(f"{d}/heldout_{s}/{m}_no-question.jsonl")]
        for i, (x, y) in enumerate(zip(closed, noq)): a[(s, i)] = (x["correct"], x["p_right"], y["correct"])
    ans[label] = a

def paired(x, y):
    d = [p - q for p, q in zip(x, y)]; k = len(d); mu = sum(d) / k
    return mu, math.sqrt(sum((v - mu) ** 2 for v in d) / (k - 1) / k)

ref = ans[runs[0][0]]
print(f"| questions | n | model | accuracy | no question | soft | vs {runs[0][0]} | soft vs {runs[0][0]} |")
print("|---|---|---|---|---|---|---|---|")
for inside in (True, False):
    for splits in (("B", "C"), ("A",)):
        keys = [k for k, (sp, ins) in qs.items() if ins == inside and sp in splits]
        name = f"{'+'.join(splits)}, {'inside' if inside else 'outside'} pages {lo}-{hi}"
        for label, a in ans.items():
            c = [a[k][0] for k in keys]; p = [a[k][1] for k in keys]; nq = [a[k][2] for k in keys]
            d, dp = paired(c, [ref[k][0] for k in keys]), paired(p, [ref[k][1] for k in keys])
            vs = "-" if label == runs[0][0] else f"{100 * d[0]:+.1f} ± {100 * d[1]:.1f}"
            svs = "-" if label == runs[0][0] else f"{100 * dp[0]:+.1f} ± {100 * dp[1]:.1f}"
            print(f"| {name} | {len(keys)} | {label} | {100 * sum(c) / len(keys):.1f}% | {100 * sum(nq) / len(keys):.1f}% | {100 * sum(p) / len(keys):.1f}% | {vs} | {svs} |")
