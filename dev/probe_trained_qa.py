"""probe_trained_qa.py: multiple-choice questions taken from a synthetic corpus's own QA samples, to
tell "the arm did not store the facts" from "it stored them but cannot answer another phrasing".

Reads SYNTH/preview.jsonl (the first 2,000 samples `./train synth` wrote; an arm trained on that
corpus read most of them: 300 steps of 4 x 256 tokens cover 90% of the 300-step corpus's windows)
and writes four question files in data/3m/qa.jsonl's format:
  OUT/plain_*.jsonl  the corpus's plain "Question: Q\\nAnswer: A" pairs, asked in the same format the
                   arm trained on (eval's prompt is "Question: Q\\nAnswer:"): recall of trained text
  OUT/chat_*.jsonl   the corpus's chat turns (user Q, assistant A), asked in the plain format: the same
                   words, another format
The right choice is the answer's figure. The three others, in OUT/*_scaled.jsonl: the same figure
scaled (x0.8, x1.25, x1.5) in the same format, so a model that only knows the format gets 25%; in
OUT/*_swapped.jsonl: other figures of the same form (unit, sign style) from the corpus's answers, as
the analyst questions' choices are, so knowing which figures the report holds is not enough. Only
answers with one figure (other than a year) that the question does not already give are used.
Run: python3 dev/probe_trained_qa.py SYNTH OUT  (then ./train eval --ckpt X --qa OUT/plain_swapped.jsonl)
"""
import json
import os
import random
import re
import sys

# a figure: optional sign word, $, parentheses, digits with thousands commas and decimals, a unit
FIG = re.compile(r"(?:negative |-)?\$?\(?\d[\d,]*(?:\.\d+)?\)?(?: (?:million|billion|percent))?%?")
YEAR = re.compile(r"^(19|20)\d\d$")


def figures(s):
    return [m.group(0) for m in FIG.finditer(s) if not YEAR.match(m.group(0))]


def scaled(fig, k):
    """fig with its number times k, written the same way (commas, decimals, sign, unit)"""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", fig)
    num = m.group(0)
    decimals = len(num.split(".")[1]) if "." in num else 0
    v = float(num.replace(",", "")) * k
    out = f"{v:,.{decimals}f}" if "," in num else f"{v:.{decimals}f}"
    return fig[: m.start()] + out + fig[m.end():]


def shape(fig):
    """what kind of figure: its text with the digits taken out ("$,  million", "(.)%")"""
    return re.sub(r"\d", "", fig)


def item(q, a, rng, pool):
    """pool: shape -> the figures of that shape in the corpus's answers (None: scaled distractors)"""
    figs = figures(a)
    if len(figs) != 1 or figs[0] in q:
        return None
    right = figs[0]
    if pool is None:
        others = [scaled(right, k) for k in (0.8, 1.25, 1.5)]
    else:
        others = sorted(set(pool.get(shape(right), [])) - {right})
        if len(others) < 3:
            return None
        others = rng.sample(others, 3)
    choices = [right] + others
    if len(set(choices)) < 4:
        return None
    rng.shuffle(choices)
    return {"question": q, "choices": choices, "answer": choices.index(right), "evidence": a}


def main():
    synth, out = sys.argv[1], sys.argv[2]
    found = {"plain": [], "chat": []}  # (question, answer) pairs
    for line in open(f"{synth}/preview.jsonl"):
        d = json.loads(line)
        text = d.get("text", "")
        if d.get("kind") != "qa" or not text:
            continue
        if "<|im_start|>" in text:
            turns = re.findall(r"<\|im_start\|>(user|assistant)\n(.*?)<\|im_end\|>", text, re.S)
            found["chat"] += [(turns[i][1].strip(), turns[i + 1][1].strip()) for i in range(len(turns) - 1)
                              if turns[i][0] == "user" and turns[i + 1][0] == "assistant"]
        else:
            for block in text.split("\n\n"):
                q, sep, a = block.partition("\nAnswer: ")
                if sep and q.startswith("Question: "):
                    found["plain"].append((q[len("Question: "):].strip(), a.strip()))
    pool = {}
    for pairs in found.values():
        for q, a in pairs:
            for f in figures(a):
                pool.setdefault(shape(f), set()).add(f)
    os.makedirs(out, exist_ok=True)
    for name, pairs in found.items():
        for variant, p in (("scaled", None), ("swapped", pool)):
            rng, seen, items = random.Random(1), set(), []
            for q, a in pairs:
                it = item(q, a, rng, p)
                if it and q not in seen:
                    seen.add(q)
                    items.append(it)
            with open(f"{out}/{name}_{variant}.jsonl", "w") as f:
                for it in items:
                    f.write(json.dumps(it) + "\n")
            print(f"{out}/{name}_{variant}.jsonl: {len(items)} questions")


if __name__ == "__main__":
    main()
