"""company_claims.py: what a synthetic corpus says 3M as a whole reported, per measure and year.

Takes every sentence that names 3M, one year (2021 or 2022), one figure and one of the measures
the 10-K's segment tables report (sales, organic sales, translation, divestitures, total sales
change, operating income, its percent change and percent of sales), and names no segment, region
or other part of the company: a claim about the whole company. The report gives one figure per
measure, year and unit, so a measure-year stated with several figures is a contradiction the model is
trained on.
Run: python3 company_claims.py SYNTH/preview.jsonl [...]
"""
import collections
import json
import re
import sys

PARTS = ["Safety and Industrial", "Transportation and Electronics", "Health Care", "Consumer", "Americas", "Asia",
         "Europe", "Worldwide", "Corporate", "Unallocated", "segment", "Segment", "U.S.", "nternational", "Latin",
         "Options", "blank", "____", "Which", "which", " or "]
MEASURES = ["adjusted business segment operating income", "business segment operating income", "operating income margin",
            "gain on business divestitures", "cost of sales", "operating income",
            "organic sales", "total sales change", "translation", "divestitures", "percent of sales", "net sales", "sales"]
FIGURE = re.compile(r"\(?-?\$?\(?[0-9][0-9,]*(?:\.[0-9]+)?\)?(?: ?(?:million|billion|percent)|%)")
for path in sys.argv[1:]:
    claims = collections.defaultdict(collections.Counter)
    for line in open(path):
        text = json.loads(line).get("text", "")
        for s in re.split(r"(?<=[.?!])\s+|\n|<\|im_end\|>", text):
            if "3M" not in s or any(p in s for p in PARTS): continue
            low = s.lower()
            m = next((m for m in MEASURES if m in low), None)
            years = set(re.findall(r"\b(2021|2022)\b", s))
            figs = FIGURE.findall(s)
            if m is None or len(years) != 1 or len(figs) != 1: continue
            v = float(re.sub(r"[^0-9.]", "", figs[0]))
            if "%" in figs[0] or "percent" in figs[0]: kind, v = "%", "%.1f%%" % v
            else: kind, v = "$", "$%.1fB" % ((v if "billion" in figs[0] else v / 1000))  # one figure, whatever its printed form
            claims[(m, years.pop(), kind)][v] += 1
    n = sum(sum(c.values()) for c in claims.values())
    bad = {k: c for k, c in claims.items() if len(c) > 1}
    print("%s: %d claims about 3M as a whole on %d measure-years; %d measure-years stated with several figures (%d claims)" % (
        path, n, len(claims), len(bad), sum(sum(c.values()) for c in bad.values())))
    for (m, y, kind), c in sorted(bad.items()):
        print("  %s, %s: %s" % (m, y, ", ".join("%s x%d" % kv for kv in c.most_common())))
