# overlap.py: on the untouched held-out questions (splits B and C, 200), which questions each trained arm
# answers differently from the base, and whether full finetuning and the memory gain on the same ones.
# Reads the per-question answer files dev/heldout_b.sh wrote (paths of the session-17 machine, /work/runs).
# Run: python3 overlap.py
import json
R = "/work/runs"
src = {  # model: (A+B closed answers, A+C closed answers)
    "base": (R + "/sf/e/heldout_b/base", R + "/sf/e/heldout_c/base"),
    "naive": (R + "/sf/e/heldout_b/naive", R + "/sf/e/heldout_c/naive"),
    "synth-full": (R + "/sf/e/heldout_b/synth-full", R + "/sf/e/heldout_c/synth-full"),
    "synth-lora": (R + "/sl/e/heldout_b/synth-lora", R + "/sl/e/heldout_c/synth-lora"),
    "memory-sparse": (R + "/b/heldout_b/synth-memory-sparse", R + "/cC/heldout_c/synth-memory-sparse"),
}
load = lambda p: [json.loads(l)["correct"] for l in open(p + "_closed.jsonl")][50:]  # the first 50 are split A
c = {m: load(b) + load(cc) for m, (b, cc) in src.items()}
n = len(c["base"])
print("| model | right of %d | base wrong -> right | base right -> wrong |" % n)
print("|---|---|---|---|")
for m, x in c.items():
    up = sum(1 for a, b in zip(x, c["base"]) if a and not b); down = sum(1 for a, b in zip(x, c["base"]) if b and not a)
    print("| %s | %d (%.1f%%) | %s | %s |" % (m, sum(x), 100 * sum(x) / n, "-" if m == "base" else up, "-" if m == "base" else down))
print()
print("| pair | both right | expected if independent | flips to right in both |")
print("|---|---|---|---|")
ms = [m for m in c if m != "base"]
for i, a in enumerate(ms):
    for b in ms[i + 1:]:
        both = sum(1 for x, y in zip(c[a], c[b]) if x and y)
        flips = sum(1 for x, y, z in zip(c[a], c[b], c["base"]) if x and y and not z)
        print("| %s & %s | %d | %.1f | %d |" % (a, b, both, sum(c[a]) * sum(c[b]) / n, flips))
