#!/usr/bin/env python3
"""Validate the 3M FY2022 10-K multiple-choice QA files.

Checks, for data/3m/qa.jsonl and data/3m/qa_heldout.jsonl:
  * every line is a JSON object with exactly the expected keys and types;
  * 4 distinct, non-empty choices; `answer` an int in 0..3;
  * `type` in {number, percent, entity, date, fact}; `section` non-empty;
  * `evidence` is found in data/3m/3M_2022_10K.txt after whitespace normalisation
    (all runs of whitespace -> one space). Evidence that contains " | " is a table row:
    it passes if the whole string with " | " -> " " is a substring, or else if every
    cell occurs within a window of WINDOW characters after (or PRE before) an occurrence
    of the first cell (the row label) -- pdftotext writes tables one cell per line,
    often column by column, so a row's cells are near but not adjacent to their label;
  * the correct choice's text is not a verbatim copy of a full sentence of the report
    and the question itself is not a copied sentence (>= 12 consecutive identical words);
  * no duplicate questions within or across the two files (case/space-insensitive);
  * answer-position balance: in each file and overall, each position 0..3 holds
    between 15% and 35% of the answers.
Exit status 0 when everything passes; prints a summary either way.

Usage: python3 data/3m/check_qa.py [--verbose]
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "3M_2022_10K.txt")
FILES = [os.path.join(HERE, "qa.jsonl"), os.path.join(HERE, "qa_heldout.jsonl"), os.path.join(HERE, "qa_heldout_b.jsonl")]
KEYS = {"question", "choices", "answer", "evidence", "section", "type"}
TYPES = {"number", "percent", "entity", "date", "fact"}
WINDOW = 4000  # chars after the row label within which a table row's cells must occur
PRE = 600      # chars before the row label (column-wise tables sometimes put values first)
COPY_NGRAM = 12


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def find_all(hay, needle):
    out, i = [], hay.find(needle)
    while i != -1:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def evidence_ok(doc_n, ev):
    e = norm(ev)
    if not e:
        return False, "empty evidence"
    if e in doc_n:
        return True, "substring"
    if " | " in e:
        cells = [c.strip() for c in e.split(" | ")]
        if any(not c for c in cells):
            return False, "empty table cell"
        joined = " ".join(cells)
        if joined in doc_n:
            return True, "row-substring"
        label, vals = cells[0], cells[1:]
        for pos in find_all(doc_n, label):
            win = doc_n[max(0, pos - PRE): pos + len(label) + WINDOW]
            if all(v in win for v in vals):
                return True, "row-window"
        return False, "table row cells not found near label %r" % label
    return False, "not a substring of the 10-K text"


def main(verbose=False):
    with open(DOC, encoding="utf-8") as f:
        doc_n = norm(f.read())
    doc_words = doc_n.lower().split(" ")
    ngrams = set()
    for i in range(len(doc_words) - COPY_NGRAM + 1):
        ngrams.add(" ".join(doc_words[i:i + COPY_NGRAM]))

    errors, seen = [], {}
    total_pos = collections.Counter()
    per_file = {}
    how = collections.Counter()
    for path in FILES:
        name = os.path.basename(path)
        if not os.path.exists(path):
            errors.append("%s: missing" % name)
            continue
        pos = collections.Counter()
        n = 0
        with open(path, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                where = "%s:%d" % (name, ln)
                if not line.strip():
                    errors.append("%s: blank line" % where)
                    continue
                try:
                    d = json.loads(line)
                except json.JSONDecodeError as ex:
                    errors.append("%s: invalid JSON (%s)" % (where, ex))
                    continue
                n += 1
                if not isinstance(d, dict) or set(d) != KEYS:
                    errors.append("%s: keys %s != %s" % (where, sorted(d) if isinstance(d, dict) else type(d), sorted(KEYS)))
                    continue
                q, ch, a = d["question"], d["choices"], d["answer"]
                if not isinstance(q, str) or not q.strip():
                    errors.append("%s: empty question" % where)
                if not (isinstance(ch, list) and len(ch) == 4 and all(isinstance(c, str) and c.strip() for c in ch)):
                    errors.append("%s: choices must be 4 non-empty strings" % where)
                    continue
                if len({norm(c).lower() for c in ch}) != 4:
                    errors.append("%s: duplicate choices %s" % (where, ch))
                if not (isinstance(a, int) and not isinstance(a, bool) and 0 <= a < 4):
                    errors.append("%s: answer %r not an int in 0..3" % (where, a))
                    continue
                pos[a] += 1
                if d["type"] not in TYPES:
                    errors.append("%s: bad type %r" % (where, d["type"]))
                if not isinstance(d["section"], str) or not d["section"].strip():
                    errors.append("%s: empty section" % where)
                ok, why = evidence_ok(doc_n, d["evidence"]) if isinstance(d["evidence"], str) else (False, "not a string")
                how[why if ok else "FAIL"] += 1
                if not ok:
                    errors.append("%s: evidence %s: %r" % (where, why, d["evidence"][:120]))
                qw = norm(q).lower().split(" ")
                for i in range(len(qw) - COPY_NGRAM + 1):
                    if " ".join(qw[i:i + COPY_NGRAM]) in ngrams:
                        errors.append("%s: question copies >= %d consecutive words of the report" % (where, COPY_NGRAM))
                        break
                key = re.sub(r"[^a-z0-9]+", " ", q.lower()).strip()
                if key in seen:
                    errors.append("%s: duplicate question (also %s)" % (where, seen[key]))
                else:
                    seen[key] = where
        per_file[name] = (n, pos)
        total_pos.update(pos)

    def balance(counter, label):
        tot = sum(counter.values())
        if tot == 0:
            errors.append("%s: no questions" % label)
            return
        for p in range(4):
            share = counter.get(p, 0) / tot
            if not 0.15 <= share <= 0.35:
                errors.append("%s: answer position %d holds %.1f%% of answers (want 15-35%%)" % (label, p, 100 * share))

    for name, (n, pos) in per_file.items():
        balance(pos, name)
        print("%-18s %4d questions; answer positions %s" % (name, n, dict(sorted(pos.items()))))
    balance(total_pos, "overall")
    print("%-18s %4d questions; answer positions %s" % ("total", sum(total_pos.values()), dict(sorted(total_pos.items()))))
    print("evidence matched as: %s" % dict(how))
    if errors:
        print("\nFAILED: %d problem(s)" % len(errors))
        for e in errors[: (None if verbose else 50)]:
            print("  " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main("--verbose" in sys.argv))
