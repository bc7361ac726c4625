// synth.h: synthetic continued-pretraining data from one document (EntiGraph / Physics-of-LM style).
// Pipeline: load + clean (document.h) -> facts and entities (extract.h) -> four switchable, weighted,
// seeded generators (their phrase banks: templates.h) -> mixing with general "replay" text -> token shards + preview.jsonl + report.json.
//   entigraph: passages about pairs and triples of co-occurring entities (and single entities), built
//              from every fact the document states about them, in varied framings and orders;
//   restate:   each fact of a paragraph / table row in a random template (value first, middle or last;
//              subject -> value and value -> subject), the group's order permuted;
//   qa:        questions in many phrasings with the answer right after, cloze, multiple choice;
//   permute:   the document's own sentences / rows with names resolved, order permuted.
// Restatements and passages also compare a table line between years, or two lines of one column, by the
// order of their printed values. With a chat template (ChatCodec), a share of restate and qa samples are
// conversations: the user asks, the assistant answers, in the model's own template and special tokens.
// Every number and name in the output comes from the document (templates add only their own words;
// "$34.2 billion" is the one derived form: a table's "$34,229 million" rounded). Paraphrases of a fact
// are kept at least `context` tokens apart in the stream, so no training window holds two of them.
// Usage:
//   synth::SynthConfig cfg;  auto rep = synth::synth_run("doc.pdf", "out/synth", cfg, encode, eot, vocab, replay, &chat_or_null);
//   puts(rep.json().c_str());   // one line: tokens, expansion, coverage, ...
// The generators read only the document they are given (never a QA file).
#pragma once
#include <chrono>
#include <deque>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include "data_prep/extract.h"
#include "data_prep/templates.h"
#include "llmc/dataloader.h"

namespace synth {

struct SynthConfig {
    uint64_t seed = 1337;
    int multiplicity = 5;        // every fact goes through at least this many rounds of restate and qa
    double replay = 0.1;         // share of the output that is general text (replay_tokens)
    int context = 1024;          // tokens per training window: paraphrases of a fact stay this far apart
    long target_tokens = 0;      // synthetic tokens to produce; 0 = target_expansion x document tokens
    double target_expansion = 60;
    int coverage_k = 5;          // coverage counts facts with at least this many distinct phrasings
    double w_entigraph = 0.35, w_restate = 0.30, w_qa = 0.30, w_permute = 0.05;  // 0 switches one off
    bool derived_forms = true;   // also write "$34.2 billion" for a table's "$34,229 million"
    int preview_samples = 2000;  // samples written to preview.jsonl (-1: all)
    long shard_tokens = 100000000;
    int max_passage_facts = 8;   // facts per entity passage
    double chat_share = 0.4;     // share of restate and qa samples written as a chat (user question, assistant answer),
                                 // when the tokenizer has a chat template; 0 keeps plain text only
    PageRange pages;             // only these pages of the document (the cover still names the company)
};

struct SynthReport {
    std::string doc, out_dir, entity;
    long doc_chars = 0, doc_tokens = 0;
    int pages = 0, body_pages = 0, paragraphs = 0, tables = 0, tables_skipped = 0, table_rows = 0;
    int sentences = 0, sentences_boilerplate = 0;
    long facts = 0, facts_sentence = 0, facts_cell = 0, facts_numeric = 0, entities = 0, entity_mentions = 0;
    std::map<std::string, int> entity_types;
    long samples = 0, tokens = 0, replay_tokens = 0, total_tokens = 0, chat_samples = 0, chat_tokens = 0;
    double expansion = 0, coverage = 0, coverage_all = 0, number_coverage = 0, diversity = 0, doc_diversity = 0;
    long numbers_doc = 0, numbers_covered = 0;
    std::vector<std::string> numbers_missed;  // the document's numbers restated fewer than coverage_k times
    int coverage_k = 5;
    long window_violations = 0;
    std::map<std::string, std::pair<long, long>> per_generator;  // name -> (samples, tokens)
    std::vector<std::string> shards;
    double t_load = 0, t_extract = 0, t_generate = 0, t_encode = 0, t_write = 0, t_metrics = 0, t_total = 0;
    uint64_t seed = 0;

    std::string json() const {
        std::string s = "{";
        auto kv = [&](const std::string& k, const std::string& v) { if (s.size() > 1) s += ","; s += json_escape(k) + ":" + v; };
        kv("doc", json_escape(doc));
        kv("out", json_escape(out_dir));
        kv("entity", json_escape(entity));
        kv("tokens", std::to_string(tokens));
        kv("expansion", jnum(expansion, 2));
        kv("coverage", jnum(coverage, 4));
        kv("coverage_k", std::to_string(coverage_k));
        kv("coverage_all_facts", jnum(coverage_all, 4));
        kv("number_coverage", jnum(number_coverage, 4));
        kv("numbers_doc", std::to_string(numbers_doc));
        kv("numbers_covered", std::to_string(numbers_covered));
        std::string nm = "[";
        for (auto& x : numbers_missed) { if (nm.size() > 1) nm += ","; nm += json_escape(x); }
        kv("numbers_missed", nm + "]");
        kv("doc_tokens", std::to_string(doc_tokens));
        kv("doc_chars", std::to_string(doc_chars));
        kv("replay_tokens", std::to_string(replay_tokens));
        kv("total_tokens", std::to_string(total_tokens));
        kv("samples", std::to_string(samples));
        kv("chat_samples", std::to_string(chat_samples));
        kv("chat_share", jnum(samples ? (double)chat_samples / samples : 0, 4));
        kv("chat_tokens", std::to_string(chat_tokens));
        kv("facts", std::to_string(facts));
        kv("facts_sentence", std::to_string(facts_sentence));
        kv("facts_table_cell", std::to_string(facts_cell));
        kv("facts_numeric", std::to_string(facts_numeric));
        kv("entities", std::to_string(entities));
        kv("entity_mentions", std::to_string(entity_mentions));
        std::string et = "{";
        for (auto& e : entity_types) { if (et.size() > 1) et += ","; et += json_escape(e.first) + ":" + std::to_string(e.second); }
        kv("entity_types", et + "}");
        kv("pages", std::to_string(pages));
        kv("body_pages", std::to_string(body_pages));
        kv("paragraphs", std::to_string(paragraphs));
        kv("sentences_seen", std::to_string(sentences));
        kv("sentences_boilerplate", std::to_string(sentences_boilerplate));
        kv("tables", std::to_string(tables));
        kv("tables_skipped", std::to_string(tables_skipped));
        kv("table_rows", std::to_string(table_rows));
        kv("diversity_distinct_4gram", jnum(diversity, 4));
        kv("doc_distinct_4gram", jnum(doc_diversity, 4));
        kv("window_violations", std::to_string(window_violations));
        std::string g = "{";
        for (auto& e : per_generator) {
            if (g.size() > 1) g += ",";
            g += json_escape(e.first) + ":{\"samples\":" + std::to_string(e.second.first) + ",\"tokens\":" + std::to_string(e.second.second) + "}";
        }
        kv("generators", g + "}");
        std::string sh = "[";
        for (auto& x : shards) { if (sh.size() > 1) sh += ","; sh += json_escape(x); }
        kv("shards", sh + "]");
        kv("seconds", "{\"load\":" + jnum(t_load, 2) + ",\"extract\":" + jnum(t_extract, 2) + ",\"generate\":" + jnum(t_generate, 2) +
                          ",\"encode\":" + jnum(t_encode, 2) + ",\"write\":" + jnum(t_write, 2) + ",\"metrics\":" + jnum(t_metrics, 2) +
                          ",\"total\":" + jnum(t_total, 2) + "}");
        kv("seed", std::to_string(seed));
        return s + "}";
    }
};

// ---------------------------------------------------------------------------------------------

struct Sample {
    std::string text;  // a chat sample: the template's text, rendered at emission
    std::vector<int> facts;
    uint8_t kind = 0;
    std::vector<std::pair<std::string, std::string>> turns;  // (role, content); non-empty: a chat sample
};

// The tokenizer's chat template, when it has one: chat samples go through it and are encoded with its
// special tokens (the trainer passes Tokenizer::chat_text and encode with specials allowed, i.e. encode_chat).
struct ChatCodec {
    std::function<std::string(const std::vector<std::pair<std::string, std::string>>&)> render;  // turns -> template text
    std::function<std::vector<int>(const std::string&)> encode;                                  // that text -> ids, specials as one id each
};
enum { GEN_ENTIGRAPH = 0, GEN_RESTATE = 1, GEN_QA = 2, GEN_PERMUTE = 3, GEN_REPLAY = 4 };
inline const char* gen_name(int g) {
    static const char* n[] = {"entigraph", "restate", "qa", "permute", "replay"};
    return n[g];
}

inline std::string fill(std::string t, const std::map<std::string, std::string>& v) {
    std::string o;
    o.reserve(t.size() + 64);
    for (size_t i = 0; i < t.size(); i++) {
        if (t[i] == '{') {
            size_t e = t.find('}', i);
            if (e != std::string::npos) {
                auto it = v.find(t.substr(i + 1, e - i - 1));
                if (it != v.end()) { o += it->second; i = e; continue; }
            }
        }
        o += t[i];
    }
    // an empty placeholder leaves double spaces or " ." behind
    std::string c;
    for (size_t i = 0; i < o.size(); i++) {
        if (o[i] == ' ' && (c.empty() || c.back() == ' ' || c.back() == '\n')) continue;
        if ((o[i] == '.' || o[i] == ',' || o[i] == '?' || o[i] == ':') && !c.empty() && c.back() == ' ') c.pop_back();
        c += o[i];
    }
    return trim(c);
}

// Counts distinct phrasings: every rendering of a fact is noted with its hash, and so is every number in it.
struct Tracker {
    int k = 5;
    std::vector<std::unordered_set<uint64_t>> variants;               // per fact
    std::unordered_map<std::string, std::unordered_set<uint64_t>> numbers;  // per canonical number
    void note(int fact, const std::string& r) {
        uint64_t h = hash64(r);
        if (variants[fact].size() < 64) variants[fact].insert(h);
        for (auto& n : number_tokens(r)) {
            auto& set = numbers[canon_number(n)];
            if ((int)set.size() < k) set.insert(h);
        }
    }
};

struct Generator {
    const Knowledge& K;
    const SynthConfig& cfg;
    SplitMix rng;
    Tracker* track = nullptr;
    std::vector<std::string> doc_refs;
    std::map<std::string, int> lower_words;  // how often a word appears in lower case in the document
    std::map<std::pair<int, int>, std::vector<int>> by_column;  // (table, column) -> its cell facts, for comparisons between rows
    bool chat = false;                                          // the tokenizer has a chat template: chat samples may be made

    Generator(const Knowledge& k, const SynthConfig& c, uint64_t seed) : K(k), cfg(c), rng(seed) {
        std::string E = K.name, EP = K.name + "'s";
        std::string fy = K.fiscal_year;
        doc_refs.push_back(EP + " annual report");
        if (!K.form.empty()) {
            doc_refs.push_back(EP + " " + K.form);
            if (!fy.empty()) doc_refs.push_back(EP + " " + fy + " " + K.form), doc_refs.push_back("the " + K.form + " that " + E + " filed for " + fy);
        }
        if (!fy.empty()) {
            doc_refs.push_back(EP + " annual report for fiscal " + fy);
            doc_refs.push_back("the " + fy + " annual report of " + E);
            if (!K.fiscal_year_end.empty()) doc_refs.push_back(EP + " annual report for the fiscal year ended " + K.fiscal_year_end + ", " + fy);
            doc_refs.push_back(E + "'s " + fy + " annual report");
        }
        // short references: the entity is named elsewhere in nearly every sentence
        for (auto r : {"the filing", "the annual report", "the report"}) doc_refs.push_back(r);
        doc_refs.push_back(EP + " filing");
        doc_refs.push_back(EP + " report");
        if (!K.form.empty()) doc_refs.push_back("the " + K.form.substr(K.form.find(' ') + 1)), doc_refs.push_back("the " + K.form);
        for (auto& f : K.facts) if (f.kind == FACT_CELL) by_column[{f.table, f.col}].push_back(f.id);
        for (auto& w : split_words(K.clean_text)) {
            std::string x;
            for (char ch : w) if (isalpha((unsigned char)ch)) x += ch;
            if (!x.empty() && islower((unsigned char)x[0])) lower_words[x]++;
        }
    }

    std::string D() { return rng.pick(doc_refs); }

    // lower-cases a sentence's first word when it is an ordinary word, so it can follow "According to X, "
    std::string lower_start(const std::string& s) {
        auto sp = s.find(' ');
        std::string w = s.substr(0, sp);
        if (w.size() < 2 || !isupper((unsigned char)w[0])) return s;
        std::string wc = w;
        while (!wc.empty() && !isalpha((unsigned char)wc.back())) wc.pop_back();
        if (cap_stopwords().count(wc) && wc != "Company" && wc != "Board" && wc != "Management") {
            std::string l = w;
            l[0] = (char)tolower((unsigned char)l[0]);
            return l + s.substr(w.size());
        }
        for (size_t i = 1; i < w.size(); i++) if (!islower((unsigned char)w[i]) && isalpha((unsigned char)w[i])) return s;
        std::string l = w;
        l[0] = (char)tolower((unsigned char)l[0]);
        std::string lw;
        for (char ch : l) if (isalpha((unsigned char)ch)) lw += ch;
        auto it = lower_words.find(lw);
        if (it == lower_words.end() || it->second < 3) return s;
        if (sp != std::string::npos && sp + 1 < s.size() && isupper((unsigned char)s[sp + 1])) return s;  // "Health Care ..."
        return l + s.substr(w.size());
    }

    std::string src_phrase(const Fact& f) {
        const std::string& t = f.source;
        auto w = split_words(t);
        if (!t.empty() && w.size() <= 9 && isupper((unsigned char)t[0]) && !starts_with(t, "The ")) return K.name + "'s " + t;
        return rng.chance(0.5) ? K.name + "'s financial tables" : D();
    }

    std::map<std::string, std::string> cell_vars(const Fact& f, bool allow_derived = true) {
        std::map<std::string, std::string> v;
        std::string label = f.label;
        if (starts_with(label, "Less: ")) label = label.substr(6);
        if (starts_with(label, "Less ")) label = label.substr(5);
        // which of row label and column header is the measure and which the business or region:
        // "Net sales (millions)" x "Americas" -> "net sales for Americas"; "Safety and Industrial" x
        // "2022 Net Sales" -> "Net Sales for Safety and Industrial"; a segment row of a table titled
        // "Net Sales" -> "Net Sales for Safety and Industrial"
        auto entityish = [&](const std::string& x) {
            static const std::set<std::string> totals = {"Total Company", "Worldwide", "Total", "Corporate and Unallocated", "Other Unallocated", "International", "Total segments"};
            return totals.count(x) || place_names().count(x) || std::find(K.segments.begin(), K.segments.end(), x) != K.segments.end();
        };
        std::string S;
        if (!f.metric.empty()) S = entityish(f.metric) ? lower_label(label) + " for " + f.metric : lower_label(f.metric) + " for " + label;
        else if (entityish(label) && !f.source.empty() && split_words(f.source).size() <= 5 && !starts_with(f.source, "Consolidated"))
            S = lower_label(f.source) + " for " + label;
        else S = lower_label(label);
        for (auto unit : {" (millions)", " (Millions)", " (in millions)", " (billions)"}) S = replace_all(S, unit, "");
        bool names_self = contains(S, K.name);
        std::string E = K.full_name != K.name && rng.chance(0.2) ? K.full_name : K.name;
        v["E"] = E;
        v["EP"] = E + "'s";
        v["S"] = S;
        v["SC"] = upper_first(S);
        v["ES"] = names_self ? "the " + S : E + "'s " + S;
        v["L"] = f.metric.empty() ? f.label : f.label + ", " + f.metric;  // the row and its column: "Total sales change, Americas"
        v["P"] = period_phrase(f);
        v["PC"] = upper_first(v["P"]);
        v["PY"] = f.period_short;
        std::string val = f.values[0];
        if (f.values.size() > 1 && rng.chance(0.35)) val = f.values[1 + rng.below(f.values.size() - 1)];
        if (allow_derived && cfg.derived_forms && !f.derived.empty() && rng.chance(0.3)) val = f.derived;
        v["V"] = val;
        v["D"] = D();
        v["SRC"] = src_phrase(f);
        return v;
    }
    // "in 2022" also as "for fiscal year 2022" and the like; dated periods stay as printed
    std::string period_phrase(const Fact& f) {
        if (f.period_short.empty()) return f.period;
        const std::string& y = f.period_short;
        std::string fye = K.fiscal_year_end.empty() ? "" : K.fiscal_year_end + ", " + y;
        bool year_end = !fye.empty() && ends_with(f.period, fye);  // the fiscal year's last day: "in 2022" says the same
        if (f.period == "in " + y || (year_end && starts_with(f.period, "for the ") && rng.chance(0.6)))
            return fill(rng.pick(period_forms()), {{"Y", y}});
        if (year_end && starts_with(f.period, "as of ") && rng.chance(0.6)) return rng.pick(std::vector<std::string>{"at " + fye, "at the end of " + y, "at year-end " + y, "on " + fye});
        return f.period;
    }
    const std::string& pick_tpl(const std::vector<std::string>& T, bool has_period) {
        for (int tries = 0; tries < 32; tries++) {
            const std::string& t = rng.pick(T);
            if (!t.empty() && t[0] == '@' && !has_period) continue;
            return t;
        }
        for (auto& t : T) if (t.empty() || t[0] != '@') return t;
        return T[0];
    }
    static std::string strip_at(const std::string& t) { return !t.empty() && t[0] == '@' ? t.substr(1) : t; }

    std::string cell_statement(const Fact& f) {
        auto v = cell_vars(f);
        return upper_first(fill(strip_at(pick_tpl(cell_statements(), !f.period.empty())), v));
    }

    // "In 2022, 3M purchased ..." <-> "3M purchased ... in 2022."
    std::string move_time(const std::string& s) {
        static const char* leads[] = {"In ", "During ", "As of ", "At ", "For ", "On ", "Since ", "Through "};
        for (auto l : leads) {
            if (!starts_with(s, l)) continue;
            size_t comma = s.find(", ");
            if (comma == std::string::npos || comma > 40) return "";
            std::string phrase = s.substr(0, comma), rest = s.substr(comma + 2);
            bool has_num = !number_tokens(phrase).empty();
            if (!has_num || rest.empty() || !(isupper((unsigned char)rest[0]) || is_digit(rest[0]))) return "";
            if (s.back() != '.') return "";
            std::string body = rest.substr(0, rest.size() - 1);
            // only a single clause without its own dates: "3M purchased ... in 2021 in 2022" would blur which year is which
            if (body.find(',') != std::string::npos || body.find(';') != std::string::npos) return "";
            for (auto& n : number_tokens(body)) if (is_year(n)) return "";
            static const char* months[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
            for (auto mo : months) if (contains(body, mo)) return "";
            phrase[0] = (char)tolower((unsigned char)phrase[0]);
            return body + " " + phrase + ".";
        }
        return "";
    }

    // paraphrase by rule: word swaps that keep the meaning, each taken with some probability
    std::string reword(const std::string& s) {
        std::string o = s;
        for (auto& sw : reword_swaps()) {
            const std::string& from = sw.first;
            for (size_t p = 0; (p = o.find(from, p)) != std::string::npos;) {
                size_t e = p + from.size();
                bool whole = !isalpha((unsigned char)from.back()) || e >= o.size() || !isalpha((unsigned char)o[e]);  // " percent" is not " percentage"
                if (from == " percent" && (p == 0 || !is_digit(o[p - 1]))) whole = false;                                 // "8 percent", not "a percent of"
                if (!whole || !rng.chance(0.5)) { p = e; continue; }
                std::string to = sw.second[rng.below(sw.second.size())];
                if (p == 0 && !to.empty()) to[0] = (char)toupper((unsigned char)to[0]);
                o.replace(p, from.size(), to);
                p += to.size();
            }
        }
        return o;
    }

    // a sentence fact as it stands in a passage: the sentence itself, reworded and reordered at times
    std::string bare_sentence(const Fact& f) {
        std::string s = f.text;
        if (rng.chance(0.35)) { std::string m = move_time(s); if (!m.empty()) s = m; }
        if (rng.chance(0.9)) s = reword(s);
        return upper_first(s);
    }

    std::string sentence_restatement(const Fact& f) {
        std::string s = bare_sentence(f);
        std::map<std::string, std::string> v = {{"E", K.name}, {"EP", K.name + "'s"}, {"D", D()}, {"s", s}, {"sl", lower_start(s)}};
        std::vector<const Mention*> figures;
        for (auto& m : f.mentions) {
            const std::string& t = K.entities[m.entity].type;
            if (t == "money" || t == "percent" || t == "count") figures.push_back(&m);
        }
        if (!figures.empty() && rng.chance(0.3)) {
            v["m"] = figures[rng.below(figures.size())]->text;
            return upper_first(fill(rng.pick(figure_frames()), v));
        }
        return upper_first(fill(rng.pick(sentence_frames()), v));
    }

    std::string fact_statement(const Fact& f) {
        if (f.kind == FACT_CELL) return cell_statement(f);
        return sentence_restatement(f);
    }

    // ---- comparisons: orderings of two printed values, never a computed difference
    static bool cell_number(const Fact& f, double* v) {
        std::string t;
        bool neg = false;
        for (char c : f.values[0]) {
            if (c == '(' || c == '-') neg = true;
            if (is_digit(c) || c == '.') t += c;
            if (c == ' ' && !t.empty()) break;  // "$1,199 million": the number ends at the scale word
        }
        if (t.empty()) return false;
        *v = (neg ? -1 : 1) * atof(t.c_str());
        return true;
    }
    std::string value_form(const Fact& f) { return f.values.size() > 1 && rng.chance(0.3) ? f.values[1 + rng.below(f.values.size() - 1)] : f.values[0]; }
    // another year of the same line: same table, row and measure, a different period
    int other_year(const Fact& f) {
        std::vector<int> c;
        for (int id : K.topics[f.topic]) {
            const Fact& g = K.facts[id];
            if (g.kind == FACT_CELL && g.id != f.id && g.row == f.row && g.table == f.table && g.metric == f.metric && g.unit == f.unit &&
                !g.period_short.empty() && !f.period_short.empty() && g.period_short != f.period_short)
                c.push_back(id);
        }
        return c.empty() ? -1 : c[rng.below(c.size())];
    }
    // the variables of a two-year comparison; false when the values do not parse
    bool compare_vars(const Fact& f, const Fact& g, std::map<std::string, std::string>* v, int* dir) {
        const Fact *a = &f, *b = &g;
        if (a->period_short > b->period_short) std::swap(a, b);  // a: the earlier year
        double va, vb;
        if (!cell_number(*a, &va) || !cell_number(*b, &vb)) return false;
        *v = cell_vars(f, false);
        (*v)["VA"] = value_form(*a), (*v)["VB"] = value_form(*b);
        (*v)["PA"] = period_phrase(*a), (*v)["PB"] = period_phrase(*b), (*v)["PBC"] = upper_first((*v)["PB"]);
        (*v)["YA"] = a->period_short, (*v)["YB"] = b->period_short;
        *dir = vb > va ? 1 : vb < va ? -1 : 0;
        return true;
    }
    std::string year_comparison(const Fact& f, int* other) {
        *other = other_year(f);
        if (*other < 0) return "";
        std::map<std::string, std::string> v;
        int dir;
        if (!compare_vars(f, K.facts[*other], &v, &dir)) return "";
        return upper_first(fill(rng.pick(dir > 0 ? compare_up() : dir < 0 ? compare_down() : compare_same()), v));
    }
    // two lines of one table in the same column (same unit and period), the larger first
    std::string row_comparison(const Fact& f, int* other) {
        *other = -1;
        auto it = by_column.find({f.table, f.col});
        if (it == by_column.end() || it->second.size() < 2) return "";
        int id = it->second[rng.below(it->second.size())];
        const Fact& g = K.facts[id];
        double vf, vg;
        if (g.id == f.id || g.unit != f.unit || g.period != f.period || f.period.empty() || !cell_number(f, &vf) || !cell_number(g, &vg) || vf == vg) return "";
        const Fact *hi = vf > vg ? &f : &g, *lo = vf > vg ? &g : &f;
        auto v = cell_vars(*hi, false), w = cell_vars(*lo, false);
        v["S1"] = v["S"], v["V1"] = value_form(*hi), v["S2"] = w["S"], v["SC2"] = upper_first(w["S"]), v["V2"] = value_form(*lo);
        *other = id;
        return upper_first(fill(rng.pick(compare_rows()), v));
    }

    // ---- QA: a question and its answer; `plain` is the text form (a cloze keeps its blank in the text)
    struct QA { std::string q, a, plain; std::vector<int> extra; };  // extra: other facts the pair states
    QA qa(const std::string& q, const std::string& a) { return {upper_first(q), a, fill(rng.pick(qa_formats()), {{"q", upper_first(q)}, {"a", a}}), {}}; }
    QA cloze(const std::string& b, const std::string& m, const std::string& d) {
        QA r = qa("Fill in the blank from " + d + ": " + b, m);
        r.plain = upper_first(fill(rng.pick(cloze_forms()), {{"b", b}, {"m", m}, {"D", d}, {"E", K.name}}));
        return r;
    }
    QA cell_qa(const Fact& f) {
        auto v = cell_vars(f);
        double r = rng.uniform();
        bool has_period = !f.period.empty();
        auto question = [&]() { return fill(strip_at(pick_tpl(cell_questions(), has_period)), v); };
        if (r < 0.60) {  // in chat, a full sentence answers more often than the bare figure
            std::string a = chat && rng.chance(0.5) ? fill(strip_at(pick_tpl(cell_statements(), has_period)), v) : fill(rng.pick(answer_forms()), v);
            return qa(question(), upper_first(a));
        }
        if (r < 0.70) {  // two years of the line: which way it moved
            int o = other_year(f);
            std::map<std::string, std::string> c;
            int dir;
            if (o >= 0 && compare_vars(f, K.facts[o], &c, &dir)) {
                QA x = qa(fill(rng.pick(compare_questions()), c), upper_first(fill(rng.pick(dir > 0 ? compare_up() : dir < 0 ? compare_down() : compare_same()), c)));
                x.extra.push_back(o);
                return x;
            }
            return qa(question(), v["V"]);
        }
        if (r < 0.80) {  // multiple choice: the other values of the row and column are the options
            std::vector<std::string> opts = {v["V"]};
            for (int id : K.topics[f.topic]) if (id != f.id && K.facts[id].kind == FACT_CELL && opts.size() < 4) {
                const std::string& o = K.facts[id].values[0];
                if (std::find(opts.begin(), opts.end(), o) == opts.end() && K.facts[id].unit == f.unit) opts.push_back(o);
            }
            if (opts.size() < 2) return qa(question(), v["V"]);
            rng.shuffle(opts);
            QA x = qa(question() + "\nOptions: " + join(opts, "; ") + ".", v["V"]);
            x.plain = upper_first(x.q) + "\nAnswer: " + v["V"];
            return x;
        }
        if (r < 0.87) {  // value -> line item
            std::string q = "Which line item in " + v["SRC"] + " came to " + v["V"] + (has_period ? " " + v["P"] : "") + "?";
            return qa(q, upper_first(f.label) + ".");
        }
        if (r < 0.92 && has_period) return qa("Which year did " + v["E"] + " report " + v["S"] + " of " + v["V"] + " for?", f.period_short + ".");
        std::string b = fill(strip_at(pick_tpl(cell_statements(), has_period)), [&] { auto w = v; w["V"] = "____"; return w; }());
        return cloze(upper_first(b), v["V"], v["D"]);
    }

    // "Total sales in Mexico increased 8 percent ..." -> "By how much did total sales in Mexico increase?"
    std::string change_question(const std::string& s) {
        static const std::vector<std::pair<std::string, std::string>> verbs = {
            {" increased ", "increase"}, {" decreased ", "decrease"}, {" rose ", "rise"}, {" declined ", "decline"}, {" grew ", "grow"}, {" fell ", "fall"}};
        for (auto& vb : verbs) {
            size_t p = s.find(vb.first);
            if (p == std::string::npos) continue;
            std::string after = s.substr(p + vb.first.size());
            if (starts_with(after, "by ")) after = after.substr(3);
            if (after.empty() || !(is_digit(after[0]) || after[0] == '$')) continue;
            std::string subj = s.substr(0, p), lead;
            size_t comma = subj.find(", ");
            if (comma != std::string::npos && comma < 40) { lead = subj.substr(0, comma); subj = subj.substr(comma + 2); }
            if (split_words(subj).size() > 10 || subj.find(',') != std::string::npos || subj.empty()) continue;
            std::string q = "By how much did " + lower_start(subj) + " " + vb.second;
            if (!lead.empty()) { lead[0] = (char)tolower((unsigned char)lead[0]); q += " " + lead; }
            return q + ", according to " + D() + "?";
        }
        return "";
    }
    QA sentence_qa(const Fact& f) {
        std::vector<const Mention*> figures, names;
        for (auto& m : f.mentions) {
            const std::string& t = K.entities[m.entity].type;
            if (f.text.find(m.text) == std::string::npos) continue;
            if (t == "money" || t == "percent" || t == "count" || t == "date") figures.push_back(&m);
            else names.push_back(&m);
        }
        double r = rng.uniform();
        std::string d = D();
        auto blank = [&](const Mention* m) { std::string b = f.text; b.replace(b.find(m->text), m->text.size(), "____"); return b; };
        // an answer in chat restates the sentence, reworded at times
        auto answer = [&]() { return chat && rng.chance(0.5) ? bare_sentence(f) : f.text; };
        if (r < 0.15) { std::string q = change_question(f.text); if (!q.empty()) return qa(q, answer()); }
        if (r < 0.55 && !figures.empty()) { const Mention* m = figures[rng.below(figures.size())]; return cloze(blank(m), m->text, d); }
        if (r < 0.75 && !names.empty()) {
            const Mention* m = names[rng.below(names.size())];
            if (rng.chance(0.5)) return qa("Which name completes this statement from " + d + ": \"" + blank(m) + "\"?", m->text + ".");
            return qa(fill(rng.pick(about_questions()), {{"D", d}, {"E", K.name}, {"m", m->text}}), answer());
        }
        if (!figures.empty()) { const Mention* m = figures[rng.below(figures.size())]; return cloze(blank(m), m->text, d); }
        return qa(rng.chance(0.5) ? "What does " + d + " state?" : "Quote a statement from " + d + ".", answer());
    }
    QA fact_qa(const Fact& f) { return f.kind == FACT_CELL ? cell_qa(f) : sentence_qa(f); }

    // a cell's statement, now and then followed by a comparison with another year or another line
    std::string cell_statement_cmp(const Fact& f, std::vector<int>* also) {
        std::string r = cell_statement(f);
        if (!rng.chance(0.3)) return r;
        int o;
        std::string c = rng.chance(0.6) ? year_comparison(f, &o) : row_comparison(f, &o);
        if (c.empty()) return r;
        also->push_back(o);
        return r + " " + c;
    }
    // what a restatement of these facts is about, for the request that opens a chat sample
    std::string topic_request(const std::vector<int>& ids) {
        std::map<std::string, std::string> v = {{"D", D()}, {"E", K.name}, {"EP", K.name + "'s"}};
        const Fact& f = K.facts[ids[0]];
        if (f.kind == FACT_CELL) {
            auto c = cell_vars(f, false);
            v["X"] = lower_label(f.label) + (f.source.empty() ? "" : " in " + c["SRC"]);
            return upper_first(fill(rng.pick(restate_requests()), v));
        }
        static const std::set<std::string> named = {"org", "segment", "product", "place", "term", "person"};
        for (int id : ids)
            for (auto& m : K.facts[id].mentions)
                if (named.count(K.entities[m.entity].type)) { v["X"] = m.text; return upper_first(fill(rng.pick(restate_requests()), v)); }
        return upper_first(fill(rng.pick(restate_requests_general()), v));
    }

    // ---- samples
    Sample restate_topic(const std::vector<int>& facts) {
        Sample s;
        s.kind = GEN_RESTATE;
        std::vector<int> ids = facts;
        rng.shuffle(ids);
        if (ids.size() > 12) ids.resize(12);
        std::string text;
        for (int id : ids) {
            std::vector<int> also;
            const Fact& f = K.facts[id];
            std::string r = f.kind == FACT_CELL ? cell_statement_cmp(f, &also) : sentence_restatement(f);
            track->note(id, r);
            for (int o : also) track->note(o, r), s.facts.push_back(o);
            if (!text.empty()) text += rng.chance(0.8) ? " " : "\n";
            text += r;
            s.facts.push_back(id);
        }
        if (chat && rng.chance(cfg.chat_share)) s.turns = {{"user", topic_request(ids)}, {"assistant", text}};
        s.text = text;
        return s;
    }
    Sample qa_topic(const std::vector<int>& facts) {
        Sample s;
        s.kind = GEN_QA;
        std::vector<int> ids = facts;
        rng.shuffle(ids);
        if (ids.size() > 8) ids.resize(8);
        bool as_chat = chat && rng.chance(cfg.chat_share);
        if (as_chat && ids.size() > 4) ids.resize(4);  // a conversation of a few turns
        std::string text;
        for (int id : ids) {
            QA x = fact_qa(K.facts[id]);
            std::string r = as_chat ? x.q + "\n" + x.a : x.plain;
            track->note(id, r);
            for (int o : x.extra) track->note(o, r), s.facts.push_back(o);
            if (as_chat) s.turns.push_back({"user", x.q}), s.turns.push_back({"assistant", x.a});
            if (!text.empty()) text += "\n\n";
            text += r;
            s.facts.push_back(id);
        }
        s.text = text;
        return s;
    }
    Sample permute_topic(const std::vector<int>& facts) {
        Sample s;
        s.kind = GEN_PERMUTE;
        std::vector<int> ids = facts;
        rng.shuffle(ids);
        if (ids.size() > 16) ids.resize(16);
        const Fact& f0 = K.facts[ids[0]];
        std::map<std::string, std::string> hv = {{"D", D()}, {"E", K.name}, {"SRC", f0.kind == FACT_CELL ? src_phrase(f0) : D()}};
        std::string head = rng.pick(permute_heads());
        if (f0.kind != FACT_CELL && contains(head, "{SRC}")) head = "From {D}:";
        std::string text = upper_first(fill(head, hv));
        for (int id : ids) {
            const Fact& f = K.facts[id];
            std::string r;
            if (f.kind == FACT_CELL) {
                auto v = cell_vars(f, false);
                r = upper_first(fill(rng.chance(0.5) ? "{SC} {P}: {V}." : "{ES} {P}: {V}.", v));
            } else r = f.text;
            track->note(id, r);
            if (!text.empty()) text += " ";
            text += r;
            s.facts.push_back(id);
        }
        s.text = text;
        return s;
    }
    Sample passage(const std::vector<int>& ents, const std::vector<int>& shared, const std::vector<std::vector<int>>& singles) {
        Sample s;
        s.kind = GEN_ENTIGRAPH;
        std::map<std::string, std::string> v = {{"D", D()}, {"E", K.name}, {"EP", K.name + "'s"}};
        const char* keys[] = {"A", "B", "C"};
        for (size_t i = 0; i < ents.size() && i < 3; i++) v[keys[i]] = K.entities[ents[i]].name;
        const auto& intros = ents.size() == 1 ? single_intros() : ents.size() == 2 ? passage_intros() : triple_intros();
        std::string text = upper_first(fill(rng.pick(intros), v));
        std::vector<int> ids = shared;
        rng.shuffle(ids);
        if ((int)ids.size() > cfg.max_passage_facts) {  // the facts restated least so far: a fact shared by many entities is not in every passage
            std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return track->variants[a].size() < track->variants[b].size(); });
            ids.resize(cfg.max_passage_facts);
            rng.shuffle(ids);
        }
        std::set<int> used(ids.begin(), ids.end());
        bool first = true;
        for (int id : ids) {
            const Fact& F = K.facts[id];
            std::vector<int> also;
            std::string r = F.kind == FACT_CELL ? cell_statement_cmp(F, &also) : bare_sentence(F);
            track->note(id, r);
            for (int o : also) track->note(o, r), s.facts.push_back(o);
            std::string c = first ? "" : rng.pick(connectors());
            first = false;
            if (!c.empty()) r = c + lower_start(r);
            text += (rng.chance(0.85) ? " " : "\n") + r;
            s.facts.push_back(id);
        }
        // a fact or two about each entity alone, EntiGraph's entity descriptions
        for (size_t e = 0; e < singles.size() && ents.size() > 1; e++) {
            std::vector<int> cand;
            for (int id : singles[e]) if (!used.count(id)) cand.push_back(id);
            if (cand.empty()) continue;
            int id = cand[rng.below(cand.size())];
            used.insert(id);
            const Fact& F = K.facts[id];
            std::string r = F.kind == FACT_CELL ? cell_statement(F) : bare_sentence(F);
            track->note(id, r);
            auto w = v;
            w["A"] = K.entities[ents[e]].name;
            text += "\n" + upper_first(fill(rng.pick(alone_frames()), w)) + " " + r;
            s.facts.push_back(id);
        }
        if (ents.size() == 2) {
            std::string c = fill(rng.pick(passage_closings()), v);
            if (!c.empty()) text += " " + c;
        }
        s.text = text;
        return s;
    }
};

// ---------------------------------------------------------------------------------------------

struct Unit { int gen; std::vector<int> ents; std::vector<int> facts; };

// Entity passages: single entities with 2+ facts, pairs and triples of named entities that co-occur in
// a fact. Numbers, dates and amounts join facts but are not passage subjects.
inline std::vector<Unit> entity_units(const Knowledge& K, size_t max_pairs = 60000) {
    static const std::set<std::string> named = {"org", "segment", "product", "person", "place", "term"};
    std::vector<Unit> out;
    std::map<std::pair<int, int>, std::vector<int>> pairs;
    std::map<std::tuple<int, int, int>, std::vector<int>> triples;
    auto subject = [&](int e) {  // the document's own entity ("3M Company") is in every fact: never a passage subject
        const std::string& n = K.entities[e].name;
        return named.count(K.entities[e].type) && n != K.name && n != K.full_name;
    };
    for (auto& f : K.facts) {
        std::vector<int> e;
        for (auto& m : f.mentions) if (subject(m.entity) && std::find(e.begin(), e.end(), m.entity) == e.end()) e.push_back(m.entity);
        std::sort(e.begin(), e.end());
        if (e.size() > 6) e.resize(6);
        for (size_t a = 0; a < e.size(); a++)
            for (size_t b = a + 1; b < e.size(); b++) {
                pairs[{e[a], e[b]}].push_back(f.id);
                for (size_t c = b + 1; c < e.size(); c++) triples[std::make_tuple(e[a], e[b], e[c])].push_back(f.id);
            }
    }
    for (size_t i = 0; i < K.entities.size(); i++)
        if (subject((int)i) && K.entities[i].facts.size() >= 2) {
            std::vector<int> fs = K.entities[i].facts;
            std::sort(fs.begin(), fs.end());
            fs.erase(std::unique(fs.begin(), fs.end()), fs.end());
            out.push_back({GEN_ENTIGRAPH, {(int)i}, fs});
        }
    for (auto& p : pairs) {
        if (out.size() >= max_pairs) break;
        out.push_back({GEN_ENTIGRAPH, {p.first.first, p.first.second}, p.second});
    }
    for (auto& t : triples) {
        if (out.size() >= max_pairs) break;
        out.push_back({GEN_ENTIGRAPH, {std::get<0>(t.first), std::get<1>(t.first), std::get<2>(t.first)}, t.second});
    }
    return out;
}

// Orders samples so that two samples sharing a fact are at least `context` tokens apart, with replay
// chunks mixed in at random; returns the stream as (sample index or -1 - replay chunk index) entries.
struct Scheduled { int sample; long offset; int len; };

// ---------------------------------------------------------------------------------------------

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline double distinct_ngram_ratio(const std::vector<int>& toks, const std::vector<long>& starts, int n = 4) {
    // distinct n-grams over all n-grams, n-grams taken inside samples (not across their boundaries)
    std::vector<uint64_t> h;
    h.reserve(toks.size());
    for (size_t s = 0; s + 1 < starts.size(); s++)
        for (long i = starts[s]; i + n <= starts[s + 1]; i++) {
            uint64_t x = 1469598103934665603ull;
            for (int k = 0; k < n; k++) x = (x ^ (uint64_t)(uint32_t)toks[i + k]) * 1099511628211ull;
            h.push_back(x);
        }
    if (h.empty()) return 0;
    std::sort(h.begin(), h.end());
    size_t d = std::unique(h.begin(), h.end()) - h.begin();
    return (double)d / h.size();
}

inline SynthReport synth_run(const std::string& doc_path, const std::string& out_dir, const SynthConfig& cfg,
                             const std::function<std::vector<int>(const std::string&)>& encode, int eot, int vocab_size,
                             const std::vector<int>& replay_tokens, const ChatCodec* chat = nullptr) {
    auto T0 = std::chrono::steady_clock::now();
    if (cfg.replay < 0 || cfg.replay >= 1) fatal(EXIT_USAGE, "--replay must be in [0, 1), got %g", cfg.replay);
    if (cfg.context < 1) fatal(EXIT_USAGE, "--context must be positive, got %d", cfg.context);
    if (cfg.multiplicity < 0) fatal(EXIT_USAGE, "--multiplicity must be >= 0, got %d", cfg.multiplicity);
    if (cfg.chat_share < 0 || cfg.chat_share > 1) fatal(EXIT_USAGE, "--chat-share must be in [0, 1], got %g", cfg.chat_share);
    if (eot < 0 || eot >= vocab_size) fatal(EXIT_USAGE, "end-of-text id %d is outside the vocabulary (%d)", eot, vocab_size);
    double wsum = cfg.w_entigraph + cfg.w_restate + cfg.w_qa + cfg.w_permute;
    if (cfg.w_entigraph < 0 || cfg.w_restate < 0 || cfg.w_qa < 0 || cfg.w_permute < 0 || wsum <= 0)
        fatal(EXIT_USAGE, "generator weights must be >= 0 and not all 0");
    SynthReport R;
    R.doc = doc_path;
    R.out_dir = out_dir;
    R.seed = cfg.seed;
    R.coverage_k = cfg.coverage_k;

    Document doc = load_document(doc_path, cfg.pages);
    R.t_load = seconds_since(T0);
    auto T1 = std::chrono::steady_clock::now();
    Knowledge K = extract(doc);
    R.t_extract = seconds_since(T1);
    if (K.facts.empty()) fatal(EXIT_RUNTIME, "no facts found in %s (is it a text document?)", doc_path.c_str());
    R.entity = K.name;
    R.pages = doc.pages, R.body_pages = doc.body_pages, R.paragraphs = (int)doc.paragraphs.size();
    R.tables = (int)doc.tables.size(), R.tables_skipped = doc.tables_skipped;
    for (auto& t : doc.tables) R.table_rows += (int)t.rows.size();
    R.sentences = K.sentences_total, R.sentences_boilerplate = K.sentences_boilerplate;
    R.facts = (long)K.facts.size();
    for (auto& f : K.facts) {
        if (f.kind == FACT_CELL) R.facts_cell++; else if (f.kind == FACT_SENTENCE) R.facts_sentence++;
        if (f.numeric()) R.facts_numeric++;
    }
    R.entities = (long)K.entities.size();
    for (auto& e : K.entities) { R.entity_types[e.type]++; R.entity_mentions += e.mentions; }
    R.doc_chars = (long)doc.source_text.size();
    auto T2 = std::chrono::steady_clock::now();
    std::vector<int> doc_toks = encode(doc.source_text);
    R.doc_tokens = (long)doc_toks.size();
    double t_enc = seconds_since(T2);
    long target = cfg.target_tokens > 0 ? cfg.target_tokens : (long)(cfg.target_expansion * R.doc_tokens);

    // units per generator
    std::vector<std::vector<Unit>> units(4);
    for (auto& topic : K.topics) {
        if (topic.empty()) continue;
        units[GEN_RESTATE].push_back({GEN_RESTATE, {}, topic});
        units[GEN_QA].push_back({GEN_QA, {}, topic});
        units[GEN_PERMUTE].push_back({GEN_PERMUTE, {}, topic});
    }
    units[GEN_ENTIGRAPH] = entity_units(K);
    double w[4] = {cfg.w_entigraph, cfg.w_restate, cfg.w_qa, cfg.w_permute};
    for (int g = 0; g < 4; g++) if (units[g].empty()) w[g] = 0;

    // generation: `multiplicity` full rounds of restate and qa, then weighted draws until the target
    std::vector<Sample> samples;
    std::vector<int> all_tokens;
    std::vector<long> starts = {0};
    Tracker track;
    track.k = cfg.coverage_k;
    track.variants.resize(K.facts.size());
    std::vector<Generator> gens;
    for (int g = 0; g < 4; g++) gens.emplace_back(K, cfg, mix64(cfg.seed, 1000 + g));
    for (auto& G : gens) G.track = &track, G.chat = chat != nullptr && cfg.chat_share > 0;
    std::vector<std::vector<size_t>> order(4);
    std::vector<size_t> cursor(4, 0);
    SplitMix pick_rng(mix64(cfg.seed, 7));
    double t_gen = 0;
    long synth_tokens = 0;
    auto next_unit = [&](int g) -> const Unit& {
        if (cursor[g] >= order[g].size()) {  // a new round: every unit once, in a fresh order
            order[g].resize(units[g].size());
            for (size_t i = 0; i < order[g].size(); i++) order[g][i] = i;
            gens[g].rng.shuffle(order[g]);
            cursor[g] = 0;
        }
        return units[g][order[g][cursor[g]++]];
    };
    auto emit = [&](int g) {
        auto ta = std::chrono::steady_clock::now();
        const Unit& u = next_unit(g);
        Generator& G = gens[g];
        Sample s;
        if (g == GEN_ENTIGRAPH) {
            std::vector<std::vector<int>> singles;
            for (int e : u.ents) singles.push_back(K.entities[e].facts);
            s = G.passage(u.ents, u.facts, singles);
        } else if (g == GEN_RESTATE) s = G.restate_topic(u.facts);
        else if (g == GEN_QA) s = G.qa_topic(u.facts);
        else s = G.permute_topic(u.facts);
        t_gen += seconds_since(ta);
        std::sort(s.facts.begin(), s.facts.end());  // a fact compared and restated in one sample counts once
        s.facts.erase(std::unique(s.facts.begin(), s.facts.end()), s.facts.end());
        if (!s.turns.empty()) s.text = chat->render(s.turns);
        auto tb = std::chrono::steady_clock::now();
        std::vector<int> ids = s.turns.empty() ? encode(s.text) : chat->encode(s.text);
        t_enc += seconds_since(tb);
        if (!s.turns.empty()) R.chat_samples++, R.chat_tokens += (long)ids.size() + 1;
        all_tokens.push_back(eot);
        all_tokens.insert(all_tokens.end(), ids.begin(), ids.end());
        starts.push_back((long)all_tokens.size());
        synth_tokens += (long)ids.size() + 1;
        R.per_generator[gen_name(g)].first++;
        R.per_generator[gen_name(g)].second += (long)ids.size() + 1;
        samples.push_back(std::move(s));
    };
    // Weighted draws until the target; each generator walks its units in rounds (every unit once per
    // round, fresh order), so facts are covered evenly at any size. With the target left automatic,
    // restate and qa are then topped up to `multiplicity` full rounds; an explicit --tokens is exact.
    std::vector<long> emitted(4, 0);
    double wtot = w[0] + w[1] + w[2] + w[3];
    while (synth_tokens < target) {
        double r = pick_rng.uniform() * wtot;
        int g = 0;
        while (g < 3 && r >= w[g]) r -= w[g], g++;
        if (w[g] <= 0) continue;
        emit(g);
        emitted[g]++;
    }
    if (cfg.target_tokens <= 0)
        for (int g : {GEN_RESTATE, GEN_QA})
            while (w[g] > 0 && emitted[g] < (long)cfg.multiplicity * (long)units[g].size()) emit(g), emitted[g]++;
    R.samples = (long)samples.size();
    R.tokens = synth_tokens;
    R.t_generate = t_gen;
    R.t_encode = t_enc;

    // ---- schedule: shuffle, keep shared facts `context` apart, mix replay chunks in
    auto T3 = std::chrono::steady_clock::now();
    long replay_budget = cfg.replay > 0 ? (long)(cfg.replay / (1 - cfg.replay) * synth_tokens) : 0;
    if (replay_budget > (long)replay_tokens.size()) replay_budget = (long)replay_tokens.size();
    int chunk = std::max(16, std::min(cfg.context, 1024));
    long n_chunks = replay_budget / chunk;
    SplitMix srng(mix64(cfg.seed, 11));
    std::vector<int> ord(samples.size());
    for (size_t i = 0; i < ord.size(); i++) ord[i] = (int)i;
    srng.shuffle(ord);
    std::vector<long> last_end(K.facts.size(), -(1L << 40));
    std::deque<int> deferred;
    std::vector<Scheduled> stream;
    long pos = 0, replay_pos = replay_tokens.empty() ? 0 : (long)srng.below(replay_tokens.size()), chunks_left = n_chunks;
    size_t next = 0;
    auto fits = [&](int si) {
        for (int f : samples[si].facts) if (pos - last_end[f] < cfg.context) return false;
        return true;
    };
    auto place = [&](int si) {
        int len = (int)(starts[si + 1] - starts[si]);
        stream.push_back({si, pos, len});
        pos += len;
        for (int f : samples[si].facts) last_end[f] = pos;
    };
    auto place_replay = [&]() {
        stream.push_back({-1, pos, chunk + 1});
        pos += chunk + 1;
        chunks_left--;
    };
    while (next < ord.size() || !deferred.empty()) {
        long remaining = (long)(ord.size() - next + deferred.size());
        if (chunks_left > 0 && srng.below(remaining + chunks_left) < (size_t)chunks_left) { place_replay(); continue; }
        bool done = false;
        for (size_t k = 0; k < deferred.size() && k < 64; k++)
            if (fits(deferred[k])) { place(deferred[k]); deferred.erase(deferred.begin() + k); done = true; break; }
        if (done) continue;
        while (next < ord.size()) {
            int si = ord[next++];
            if (fits(si)) { place(si); done = true; break; }
            deferred.push_back(si);
            if (deferred.size() > 4096) break;
        }
        if (done) continue;
        if (!deferred.empty()) {
            if (chunks_left > 0 || (cfg.replay > 0 && !replay_tokens.empty())) { place_replay(); continue; }  // general text as a spacer
            if (next < ord.size()) continue;
            R.window_violations++;  // nothing left that fits: place it anyway and count it
            place(deferred.front());
            deferred.pop_front();
        }
    }
    while (chunks_left > 0) place_replay();
    // ---- write shards
    mkdir_p(out_dir);
    std::vector<int> buf;
    buf.reserve(std::min<long>(pos, cfg.shard_tokens));
    int shard_idx = 0;
    auto flush = [&]() {
        char name[64];
        snprintf(name, sizeof name, "train_%03d.bin", shard_idx++);
        write_shard(out_dir + "/" + name, buf, vocab_size);
        R.shards.push_back(name);
        buf.clear();
    };
    auto push_tok = [&](int t) {
        buf.push_back(t);
        if ((long)buf.size() >= cfg.shard_tokens) flush();
    };
    long rp = replay_pos;
    for (auto& e : stream) {
        if (e.sample >= 0) {
            for (long i = starts[e.sample]; i < starts[e.sample + 1]; i++) push_tok(all_tokens[i]);
        } else {
            push_tok(eot);
            for (int i = 0; i < e.len - 1; i++) {
                int t = replay_tokens[rp];
                if (t < 0 || t >= vocab_size) fatal(EXIT_RUNTIME, "replay token %d is outside the vocabulary (%d)", t, vocab_size);
                push_tok(t);
                rp = (rp + 1) % (long)replay_tokens.size();
            }
            R.replay_tokens += e.len;
        }
    }
    if (!buf.empty() || shard_idx == 0) flush();
    R.total_tokens = pos;
    // preview: the first samples in stream order, with where their tokens sit
    std::string prev;
    long shown = 0;
    for (auto& e : stream) {
        if (cfg.preview_samples >= 0 && shown >= cfg.preview_samples) break;
        shown++;
        std::string line = "{\"i\":" + std::to_string(shown - 1) + ",\"kind\":" + json_escape(e.sample >= 0 ? gen_name(samples[e.sample].kind) : "replay") +
                           ",\"shard\":" + std::to_string(e.offset / cfg.shard_tokens) + ",\"offset\":" + std::to_string(e.offset + 1) +
                           ",\"tokens\":" + std::to_string(e.len - 1);
        if (e.sample >= 0) {
            line += ",\"facts\":[";
            for (size_t k = 0; k < samples[e.sample].facts.size(); k++) line += (k ? "," : "") + std::to_string(samples[e.sample].facts[k]);
            line += "],\"text\":" + json_escape(samples[e.sample].text);
        }
        prev += line + "}\n";
    }
    write_file_atomic(out_dir + "/preview.jsonl", prev);
    R.t_write = seconds_since(T3);

    // ---- metrics
    auto T4 = std::chrono::steady_clock::now();
    long numeric = 0, numeric_cov = 0, all_cov = 0;
    for (size_t f = 0; f < K.facts.size(); f++) {
        bool ok = (int)track.variants[f].size() >= cfg.coverage_k;
        if (ok) all_cov++;
        if (K.facts[f].numeric()) { numeric++; if (ok) numeric_cov++; }
    }
    R.coverage = numeric ? (double)numeric_cov / numeric : 0;
    R.coverage_all = K.facts.empty() ? 0 : (double)all_cov / K.facts.size();
    // the document's numbers: distinct number tokens of the cleaned body, years and page furniture included
    R.numbers_doc = (long)K.doc_numbers.size();
    for (auto& n : K.doc_numbers) {
        auto it = track.numbers.find(n);
        if (it != track.numbers.end() && (int)it->second.size() >= cfg.coverage_k) R.numbers_covered++;
        else R.numbers_missed.push_back(n);
    }
    R.number_coverage = R.numbers_doc ? (double)R.numbers_covered / R.numbers_doc : 0;
    R.expansion = R.doc_tokens ? (double)R.tokens / R.doc_tokens : 0;
    R.diversity = distinct_ngram_ratio(all_tokens, starts);
    std::vector<long> dstarts = {0, (long)doc_toks.size()};
    R.doc_diversity = distinct_ngram_ratio(doc_toks, dstarts);
    R.t_metrics = seconds_since(T4);
    R.t_total = seconds_since(T0);
    write_file_atomic(out_dir + "/report.json", R.json() + "\n");
    return R;
}

}  // namespace synth
