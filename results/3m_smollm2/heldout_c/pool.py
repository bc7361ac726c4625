# pool.py: held-out splits A, B and C (250 questions on pages 25-48) pooled per model from the per-question
# answer files that dev/heldout_b.sh (SPLIT=b and SPLIT=c) wrote; the paths are those of the session-16 machine
# (/work/runs). Run: python3 pool.py [mix] [same] [steps600]   (mix: the context/token query run; same: synth-full
# and synth-lora trained on the two-block run's corpus; steps600: the two-block memory on 600 steps of new
# synthetic data; both session 17, ../same_data/report.md)
import json, math, sys
R = "/work/runs"
src = {  # model: (A+B closed/no-question prefix, A+C prefix)
    "base": (R + "/b/heldout_b/base", R + "/cC/heldout_c/base"),
    "naive": (R + "/b/heldout_b/naive", R + "/cC/heldout_c/naive"),
    "two blocks (10, 20), pages x4": (R + "/b/heldout_b/synth-memory-sparse", R + "/cC/heldout_c/synth-memory-sparse"),
    "five blocks, pages x4": (R + "/b/heldout_b_mem5/synth-memory-sparse", R + "/cC/heldout_c/mem5"),
    "two blocks, quiet before digits": (R + "/q/e/heldout_b/synth-memory-sparse", R + "/cC/heldout_c/quiet"),
    "two blocks, window query": (R + "/win/e/heldout_b/synth-memory-sparse", R + "/win/e/heldout_c/synth-memory-sparse"),
}
if "mix" in sys.argv[1:]:
    src["two blocks, context/token query"] = (R + "/mix/e/heldout_b/synth-memory-sparse", R + "/mix/e/heldout_c/synth-memory-sparse")
if "same" in sys.argv[1:]:
    src["synth-full, pages x4"] = (R + "/sf/e/heldout_b/synth-full", R + "/sf/e/heldout_c/synth-full")
    src["synth-lora, pages x4"] = (R + "/sl/e/heldout_b/synth-lora", R + "/sl/e/heldout_c/synth-lora")
if "steps600" in sys.argv[1:]:
    src["two blocks, pages x4, 600 steps of new data"] = (R + "/m6/e/heldout_b/synth-memory-sparse", R + "/m6/e/heldout_c/synth-memory-sparse")
load = lambda p: [json.loads(l) for l in open(p)]
data = {}
for m, (ab, ac) in src.items():
    d = {}
    for ask in ("closed", "no-question"):
        x, y = load(ab + "_" + ask + ".jsonl"), load(ac + "_" + ask + ".jsonl")
        assert len(x) == 150 and len(y) == 150
        for i in range(50):  # A is asked in both runs: the same answer
            assert x[i]["correct"] == y[i]["correct"], (m, ask, i)
        d[ask] = x + y[50:]
    data[m] = d
def paired(a, b):
    dd = [p - q for p, q in zip(a, b)]; k = len(dd); mu = sum(dd) / k
    return mu, math.sqrt(sum((v - mu) ** 2 for v in dd) / (k - 1) / k)
splits = {"A": (0, 50), "B": (50, 150), "C": (150, 250), "B+C": (50, 250), "A+B+C": (0, 250)}
print("| model | split (n) | accuracy | no question | soft | vs base | vs naive | soft vs base | soft vs naive |")
print("|---|---|---|---|---|---|---|---|---|")
for m, d in data.items():
    for s, (i, j) in splits.items():
        if s in ("A", "B"): continue
        c = [x["correct"] for x in d["closed"][i:j]]; p = [x["p_right"] for x in d["closed"][i:j]]
        k = len(c); acc = sum(c) / k; ctl = sum(x["correct"] for x in d["no-question"][i:j]) / k
        cells = ["%.1f%% ± %.1f" % (100 * acc, 100 * math.sqrt(acc * (1 - acc) / k)), "%.1f%%" % (100 * ctl), "%.1f%%" % (100 * sum(p) / k)]
        for ref in ("base", "naive"):
            if ref == m: cells.append("-"); continue
            rc = [x["correct"] for x in data[ref]["closed"][i:j]]
            cells.append("%+.1f ± %.1f" % tuple(100 * v for v in paired(c, rc)))
        for ref in ("base", "naive"):
            if ref == m: cells.append("-"); continue
            rp = [x["p_right"] for x in data[ref]["closed"][i:j]]
            cells.append("%+.1f ± %.1f" % tuple(100 * v for v in paired(p, rp)))
        print("| %s | %s (%d) | %s |" % (m, s, k, " | ".join(cells)))
