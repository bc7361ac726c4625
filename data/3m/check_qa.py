#!/usr/bin/env python3
"""Validate the 3M FY2022 10-K multiple-choice QA files; also the build helper the qa*_build.py scripts share.

Checks, for data/3m/qa.jsonl, data/3m/qa_heldout.jsonl, data/3m/qa_heldout_b.jsonl and
data/3m/qa_heldout_c.jsonl:
  * every line is a JSON object with exactly the expected keys and types;
  * 4 distinct, non-empty choices; `answer` an int in 0..3;
  * `type` in {number, percent, entity, date, fact}; `section` non-empty;
  * `evidence` is found in data/3m/3M_2022_10K.txt after whitespace normalisation
    (all runs of whitespace -> one space). Evidence that contains " | " is a table row:
    it passes if the whole string with " | " -> " " is a substring, or else if every
    cell occurs within a window of WINDOW characters after (or PRE before) an occurrence
    of the first cell (the row label) -- pdftotext writes tables one cell per line,
    often column by column, so a row's cells are near but not adjacent to their label;
  * neither the correct choice's text nor the question copies a sentence of the report
    (>= 12 consecutive identical words);
  * no duplicate questions within or across the files (case/space/punctuation-insensitive);
  * answer-position balance: in each file and overall, each position 0..3 holds
    between 15% and 35% of the answers.
Exit status 0 when everything passes; prints a summary either way.

build_set() (and the pieces it is made of, which qa_build.py uses for its two splits) applies the
same rules to the entries of a build script before it writes a .jsonl, so a set that builds also
passes this validator.

Usage: python3 data/3m/check_qa.py [--verbose]
"""
import collections
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "3M_2022_10K.txt")
FILES = [os.path.join(HERE, "qa.jsonl"), os.path.join(HERE, "qa_heldout.jsonl"), os.path.join(HERE, "qa_heldout_b.jsonl"),
         os.path.join(HERE, "qa_heldout_c.jsonl"), os.path.join(HERE, "qa_heldout_d.jsonl")]
KEYS = {"question", "choices", "answer", "evidence", "section", "type"}
TYPES = {"number", "percent", "entity", "date", "fact"}
WINDOW = 4000  # chars after the row label within which a table row's cells must occur
PRE = 600      # chars before the row label (column-wise tables sometimes put values first)
COPY_NGRAM = 12
REVIEW_NGRAM = 8  # build_set(overlaps=True) lists questions sharing this many words or more


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def qkey(text):
    """A question's identity for the duplicate checks."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def word_ngrams(words, n):
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def shares_run(text, grams, n):
    """Whether text has n consecutive words (normalised, lower-cased) that are in grams."""
    w = norm(text).lower().split(" ")
    return any(" ".join(w[i:i + n]) in grams for i in range(len(w) - n + 1))


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


# ---------------------------------------------------------------- build helper
# Entries are as the build scripts write them: dicts with section, type, question, answer
# (the correct choice), distractors (3) and evidence.

def positions_share(counts):
    """The validator's balance rule: each position 0..3 holds 15-35% of the answers."""
    n = max(1, sum(counts.values()))
    return ["answer position %d holds %.1f%% of answers (want 15-35%%)" % (p, 100 * counts.get(p, 0) / n)
            for p in range(4) if not 0.15 <= counts.get(p, 0) / n <= 0.35]


def positions_within_one(counts):
    """Exact balance: the counts of positions 0..3 differ by at most 1."""
    if max(counts.values()) - min(counts.get(p, 0) for p in range(4)) > 1:
        return ["answer positions not balanced: %s" % dict(counts)]
    return []


def read_report(path, pages=None):
    """(normalised text the evidence must occur in, the whole report's lower-cased words).
    pages: 1-based inclusive (first, last) of the form-feed-separated pages; None for all."""
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    text = raw if pages is None else "\f".join(raw.split("\f")[pages[0] - 1:pages[1]])
    return norm(text), norm(raw).lower().split(" ")


def questions_in(paths):
    """qkey -> file name, for the questions of existing .jsonl files (missing files skipped)."""
    out = {}
    for path in paths:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        out[qkey(json.loads(line)["question"])] = os.path.basename(path)
    return out


def entry_problems(entries, text_n, words, sections, pages=None, other=None):
    """([(question, problem)], Counter of how each evidence matched) for entries checked
    against text_n (from read_report) and against the questions of other (from questions_in)."""
    ngrams = word_ngrams(words, COPY_NGRAM)
    bad, how, seen = [], collections.Counter(), set()
    for e in entries:
        qq = e["question"]
        choices = [e["answer"]] + e["distractors"]
        if not all(isinstance(c, str) and c.strip() for c in choices) or not qq.strip():
            bad.append((qq, "empty question or choice"))
        if len({norm(c).lower() for c in choices}) != 4:
            bad.append((qq, "choices not 4 distinct"))
        if e["type"] not in TYPES:
            bad.append((qq, "bad type %r" % e["type"]))
        if e["section"] not in sections:
            bad.append((qq, "bad section %r" % e["section"]))
        ok, why = evidence_ok(text_n, e["evidence"])
        if not ok and pages and why == "not a substring of the 10-K text":
            why = "not a substring of pages %d-%d" % tuple(pages)
        how[why if ok else "FAIL"] += 1
        if not ok:
            bad.append((qq, "evidence: " + why))
        if shares_run(e["answer"], ngrams, COPY_NGRAM):
            bad.append((qq, "answer copies >= %d consecutive words of the report" % COPY_NGRAM))
        if shares_run(qq, ngrams, COPY_NGRAM):
            bad.append((qq, "question copies >= %d consecutive words of the report" % COPY_NGRAM))
        key = qkey(qq)
        if key in seen:
            bad.append((qq, "duplicate question"))
        if other and key in other:
            bad.append((qq, "question already in %s" % other[key]))
        seen.add(key)
    return bad, how


def fail(bad, what):
    print("\n".join("BAD: %s -- %s" % b for b in bad))
    print("FAILED: %d problem(s); %s not written" % (len(bad), what))
    sys.exit(1)


def balanced_positions(n, rng):
    """Answer positions 0..3 repeated to length n and shuffled by rng (counts differ by at most 1)."""
    pos = [k % 4 for k in range(n)]
    rng.shuffle(pos)
    return pos


def write_jsonl(path, entries, pos, rng):
    """Write entries with the answer at pos[i] and the distractors, shuffled by rng (one shuffle
    per entry, in order), around it. Via a temp file in the same folder and os.replace, so an
    interrupted build leaves the old file whole."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for e, p in zip(entries, pos):
                others = e["distractors"][:]
                rng.shuffle(others)
                rec = {"question": e["question"], "choices": others[:p] + [e["answer"]] + others[p:],
                       "answer": p, "evidence": e["evidence"], "section": e["section"], "type": e["type"]}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def build_set(entries, doc, pages, sections, seed, out, positions, other_sets=(), overlaps=False):
    """Check entries against pages (first, last) of doc, place the answers (random.Random(seed):
    positions first, then each entry's distractors) and write out; print a summary. Any problem,
    including positions(counts) (positions_share or positions_within_one) returning one: print
    BAD lines, write nothing, exit 1. other_sets: .jsonl files whose questions must not recur.
    overlaps: also list questions sharing REVIEW_NGRAM..COPY_NGRAM words with the report."""
    text_n, words = read_report(doc, pages)
    bad, how = entry_problems(entries, text_n, words, sections, pages, questions_in(other_sets))
    rng = random.Random(seed)
    pos = balanced_positions(len(entries), rng)
    counts = collections.Counter(pos)
    bad += [("(all)", why) for why in positions(counts)]
    if bad:
        fail(bad, os.path.basename(out))
    write_jsonl(out, entries, pos, rng)

    print("wrote %s: %d questions (pages %d-%d of %s)" % (os.path.basename(out), len(entries), pages[0], pages[1], os.path.basename(doc)))
    print("per type:    %s" % dict(sorted(collections.Counter(e["type"] for e in entries).items())))
    print("per section:")
    for s, n in collections.Counter(e["section"] for e in entries).items():
        print("  %3d  %s" % (n, s))
    print("answer positions: %s" % dict(sorted(counts.items())))
    print("evidence matched as: %s" % dict(how))
    if overlaps:
        by_n = {n: word_ngrams(words, n) for n in range(REVIEW_NGRAM, COPY_NGRAM + 1)}
        for e in entries:
            n = max((n for n, grams in by_n.items() if shares_run(e["question"], grams, n)), default=0)
            if n:
                print("  overlap %2d words: %s" % (n, e["question"]))
    print("OK: all checks passed")


def main(verbose=False):
    with open(DOC, encoding="utf-8") as f:
        doc_n = norm(f.read())
    ngrams = word_ngrams(doc_n.lower().split(" "), COPY_NGRAM)

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
                if shares_run(ch[a], ngrams, COPY_NGRAM):
                    errors.append("%s: answer copies >= %d consecutive words of the report" % (where, COPY_NGRAM))
                if shares_run(q, ngrams, COPY_NGRAM):
                    errors.append("%s: question copies >= %d consecutive words of the report" % (where, COPY_NGRAM))
                key = qkey(q)
                if key in seen:
                    errors.append("%s: duplicate question (also %s)" % (where, seen[key]))
                else:
                    seen[key] = where
        per_file[name] = (n, pos)
        total_pos.update(pos)

    def balance(counter, label):
        if not counter:
            errors.append("%s: no questions" % label)
            return
        errors.extend("%s: %s" % (label, why) for why in positions_share(counter))

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
