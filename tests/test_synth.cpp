// test_synth.cpp: the synthetic-data generator (data_prep/): table rows rebuilt from pdftotext output,
// entity and pronoun handling, and whole runs on a fixture cut from 3M's 10-K: determinism, no number
// or name that the document does not hold (nor a cell statement with another row's or year's value),
// coverage and expansion, preview == shards, paraphrases of a fact kept a context window apart, the
// replay share; pages 25-48 of the 10-K (page range, >= 95% of their numbers restated); chat forms.
// Run: g++ -std=c++17 -O2 -fopenmp -march=native -I. tests/main.cpp tests/test_synth.cpp -o /tmp/t_synth -ldnnl && /tmp/t_synth
#include <doctest/doctest.h>
#include <sys/wait.h>
#include "data_prep/synth.h"
#include "llmc/tokenizer.h"
#include "tests/test_util.h"

using namespace synth;

static const char* RAW_FIXTURE = "tests/fixtures/synth/mini_10k_raw.txt";
static const char* LAYOUT_FIXTURE = "tests/fixtures/synth/mini_10k_layout.txt";

static const Table* find_table(const Document& d, const std::string& title) {
    for (auto& t : d.tables) if (t.title == title) return &t;
    return nullptr;
}
static const TableRow* find_row(const Table& t, const std::string& label) {
    for (auto& r : t.rows) if (r.label == label) return &r;
    return nullptr;
}
static std::vector<std::string> cells(const TableRow& r) {
    std::vector<std::string> v;
    for (auto& c : r.cells) v.push_back(c.dash ? "-" : c.text);
    return v;
}

// the statements as printed in the 10-K (checked against the PDF's layout text)
static void check_income_statement(const Document& d) {
    const Table* t = find_table(d, "Consolidated Statement of Income");
    REQUIRE(t);
    CHECK(t->columns == std::vector<std::string>{"2022", "2021", "2020"});
    CHECK(contains(lower(t->scale), "millions, except per share"));
    const TableRow* r = find_row(*t, "Cost of sales");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"19,232", "18,795", "16,605"});
    r = find_row(*t, "Net sales");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"34,229", "35,355", "32,184"});
    r = find_row(*t, "Gain on business divestitures");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"(2,724)", "-", "(389)"});
    r = find_row(*t, "Earnings per share attributable to 3M common shareholders \xE2\x80\x94 diluted");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"10.18", "10.12", "9.36"});
    r = find_row(*t, "Weighted average 3M common shares outstanding \xE2\x80\x94 basic");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"566.0", "579.0", "577.6"});
    CHECK(t->rows.size() == 20);
    const Table* c = find_table(d, "Consolidated Statement of Comprehensive Income (Loss)");
    REQUIRE(c);
    r = find_row(*c, "Cumulative translation adjustment");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"(893)", "(494)", "447"});
    r = find_row(*c, "Comprehensive income (loss) attributable to 3M");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"5,854", "6,892", "5,862"});
}

TEST_CASE("synth: table rows rebuilt from pdftotext's one-cell-per-line output") {
    Document d = load_document(RAW_FIXTURE);
    CHECK_FALSE(d.layout);
    CHECK(d.pages == 6);
    check_income_statement(d);
    // the balance sheet's blocks do not line up without layout: it must be skipped, never misread
    const Table* b = find_table(d, "Consolidated Balance Sheet");
    if (b) {
        const TableRow* r = find_row(*b, "Total assets");
        REQUIRE(r);
        CHECK(cells(*r) == std::vector<std::string>{"46,455", "47,072"});
    } else {
        CHECK(d.tables_skipped >= 1);
    }
    // page furniture is gone: no paragraph is "Table of Contents" or a bare page number
    for (auto& p : d.paragraphs) {
        CHECK(p.text != "Table of Contents");
        CHECK_FALSE(is_page_number(p.text));
    }
}

TEST_CASE("synth: table rows rebuilt from layout text, with units") {
    Document d = load_document(LAYOUT_FIXTURE);
    CHECK(d.layout);
    check_income_statement(d);
    const Table* b = find_table(d, "Consolidated Balance Sheet");
    REQUIRE(b);
    CHECK(b->period == "At December 31");
    const TableRow* r = find_row(*b, "Total assets");
    REQUIRE(r);
    CHECK(cells(*r) == std::vector<std::string>{"46,455", "47,072"});
    r = find_row(*b, "Finished goods");
    REQUIRE(r);
    CHECK(r->group == "Inventories");  // indented under its heading
    r = find_row(*b, "Goodwill");
    REQUIRE(r);
    CHECK(r->group.empty());  // back at the heading's indentation: not under "Inventories"

    Knowledge k = extract(d);
    auto cell = [&](const std::string& label, const std::string& year) -> const Fact* {
        for (auto& f : k.facts)
            if (f.kind == FACT_CELL && starts_with(f.label, label) && f.period_short == year && f.source == "Consolidated Statement of Income") return &f;
        return nullptr;
    };
    const Fact* f = cell("Cost of sales", "2021");
    REQUIRE(f);
    CHECK(f->values[0] == "$18,795 million");
    CHECK(f->period == "in 2021");
    CHECK(f->derived == "$18.8 billion");
    f = cell("Earnings per share attributable to 3M common shareholders \xE2\x80\x94 diluted", "2022");
    REQUIRE(f);
    CHECK(f->values[0] == "$10.18");  // per-share amounts are not in millions
    f = cell("Weighted average 3M common shares outstanding \xE2\x80\x94 diluted", "2020");
    REQUIRE(f);
    CHECK(f->values[0] == "582.2 million shares");
    f = cell("Gain on business divestitures", "2022");
    REQUIRE(f);
    CHECK(f->values[0] == "$(2,724) million");
    CHECK(f->derived.empty());  // no rounded form of a negative amount
    for (auto& g : k.facts)
        if (g.kind == FACT_CELL && g.source == "Consolidated Balance Sheet") CHECK(starts_with(g.period, "as of December 31, 20"));
}

TEST_CASE("synth: main entity, pronouns, sentences") {
    Document d = load_document(RAW_FIXTURE);
    Knowledge k = extract(d);
    CHECK(k.name == "3M");
    CHECK(k.full_name == "3M Company");
    CHECK(k.fiscal_year == "2022");
    CHECK(k.fiscal_year_end == "December 31");
    CHECK(resolve_pronouns("We believe our results improved and the Company's cash rose.", "3M") == "3M believes 3M's results improved and 3M's cash rose.");
    CHECK(resolve_pronouns("The Company expects that we will grow.", "3M") == "3M expects that 3M will grow.");
    CHECK(resolve_pronouns("We are a partner of the U.S. government.", "3M") == "3M is a partner of the U.S. government.");
    // the auditor's report: "we" is the audit firm, "the Company" is still 3M
    CHECK(resolve_pronouns("We have audited the Company's statements and our opinion follows.", "3M", "3M's independent auditor") ==
          "3M's independent auditor has audited 3M's statements and 3M's independent auditor's opinion follows.");
    auto ss = split_sentences("3M's Board declared a dividend of $1.50 per share. The U.S. business grew 1.2 percent. Michael F. Roman is CEO.");
    REQUIRE(ss.size() == 3);
    CHECK(ss[1] == "The U.S. business grew 1.2 percent.");
    bool purchase = false;
    for (auto& f : k.facts) {
        CHECK_FALSE(contains(lower(f.text), "check mark"));
        CHECK_FALSE(contains(f.text, "the Company"));
        if (contains(f.text, "3M purchased $1.5 billion of its own stock")) purchase = true;
    }
    CHECK(purchase);  // "the Company purchased" resolved to the entity's name
    bool money = false, date = false;
    for (auto& e : k.entities) {
        if (e.type == "money" && e.name == "$1.5 billion") money = true;
        if (e.type == "date" && e.name == "January 31, 2023") date = true;
    }
    CHECK(money);
    CHECK(date);
}

// ---------------------------------------------------------------------------------------------
// whole runs on the raw fixture with a stand-in tokenizer: one token per byte, EOT = 256

static std::vector<int> byte_encode(const std::string& s) {
    std::vector<int> o(s.size());
    for (size_t i = 0; i < s.size(); i++) o[i] = (unsigned char)s[i];
    return o;
}
static const int BYTE_EOT = 256, BYTE_VOCAB = 257;

struct PreviewLine { std::string kind, text; long offset = 0, tokens = 0; std::vector<int> facts; bool has_text = false; };

static long json_int(const std::string& l, const std::string& key) {
    size_t p = l.find("\"" + key + "\":");
    REQUIRE(p != std::string::npos);
    return atol(l.c_str() + p + key.size() + 3);
}
static std::string json_string(const std::string& l, const std::string& key, bool* found) {
    size_t p = l.find("\"" + key + "\":\"");
    *found = p != std::string::npos;
    if (!*found) return "";
    std::string o;
    for (size_t i = p + key.size() + 4; i < l.size(); i++) {
        char c = l[i];
        if (c == '"') break;
        if (c != '\\') { o += c; continue; }
        char e = l[++i];
        if (e == 'n') o += '\n';
        else if (e == 't') o += '\t';
        else if (e == 'r') o += '\r';
        else if (e == 'u') { o += (char)strtol(l.substr(i + 1, 4).c_str(), nullptr, 16); i += 4; }
        else o += e;
    }
    return o;
}
static std::vector<PreviewLine> read_preview(const std::string& path) {
    std::vector<PreviewLine> out;
    for (auto& l : split_lines(read_file(path))) {
        if (l.empty()) continue;
        PreviewLine p;
        bool f;
        p.kind = json_string(l, "kind", &f);
        p.offset = json_int(l, "offset");
        p.tokens = json_int(l, "tokens");
        p.text = json_string(l, "text", &p.has_text);
        size_t a = l.find("\"facts\":[");
        if (a != std::string::npos) {
            const char* c = l.c_str() + a + 9;
            while (*c && *c != ']') { p.facts.push_back((int)strtol(c, (char**)&c, 10)); if (*c == ',') c++; }
        }
        out.push_back(p);
    }
    return out;
}
static std::vector<int> read_stream(const std::string& dir, const SynthReport& r) {
    std::vector<int> all;
    for (auto& s : r.shards) { auto t = read_shard(dir + "/" + s, BYTE_VOCAB); all.insert(all.end(), t.begin(), t.end()); }
    return all;
}

static SynthConfig fixture_config() {
    SynthConfig c;
    c.context = 256;         // small windows: the fixture has few facts to spread
    c.preview_samples = -1;  // every sample in the preview, so the checks see all output
    c.target_expansion = 60;
    return c;
}
static std::vector<int> fake_replay() {
    std::vector<int> r(400000);
    SplitMix g(5);
    for (auto& x : r) x = (int)g.below(256);
    return r;
}

TEST_CASE("synth: a run on the fixture: preview == shards, no invented numbers or names, coverage, spacing, replay") {
    std::string dir = "/tmp/test_synth_run_" + std::to_string(getpid());
    SynthConfig cfg = fixture_config();
    auto replay = fake_replay();
    SynthReport r = synth_run(RAW_FIXTURE, dir, cfg, byte_encode, BYTE_EOT, BYTE_VOCAB, replay);
    // report
    CHECK(r.entity == "3M");
    CHECK(r.expansion >= 50);
    CHECK(r.tokens >= 50 * r.doc_tokens);
    CHECK(r.coverage >= 0.95);
    CHECK(r.facts_cell >= 60);  // the two statements' cells at least
    CHECK(r.window_violations == 0);
    CHECK(r.chat_samples == 0);  // no chat template given: plain text forms only
    std::string js = r.json();
    CHECK(js.find('\n') == std::string::npos);
    for (auto key : {"\"tokens\":", "\"expansion\":", "\"coverage\":"}) CHECK(js.find(key) != std::string::npos);
    CHECK(read_file(dir + "/report.json") == js + "\n");
    // replay share
    double share = (double)r.replay_tokens / r.total_tokens;
    CHECK(share > 0.08);
    CHECK(share < 0.12);

    std::vector<int> stream = read_stream(dir, r);
    CHECK((long)stream.size() == r.total_tokens);
    auto prev = read_preview(dir + "/preview.jsonl");
    REQUIRE((long)prev.size() == r.samples + (long)std::count_if(prev.begin(), prev.end(), [](const PreviewLine& p) { return p.kind == "replay"; }));

    // the document's numbers and words, read independently of the generator
    std::string src = read_file(RAW_FIXTURE);
    std::set<std::string> doc_nums;
    for (auto& t : number_tokens(normalize_utf8(src))) doc_nums.insert(canon_number(t));
    std::set<std::string> rounded;  // "$34.2 billion" for "34,229" (millions): a table amount rounded to 0.1 billion
    for (auto& n : doc_nums)
        if (n.find('.') == std::string::npos && n.size() >= 4) {
            long v = atol(n.c_str());
            char b[32];
            snprintf(b, sizeof b, "%ld.%ld", (v + 50) / 1000, ((v + 50) / 100) % 10);
            rounded.insert(b);
        }
    auto word_set = [](const std::string& s) {
        std::set<std::string> w;
        std::string cur;
        for (char c : s + " ") {
            if (isalnum((unsigned char)c) || c == '&' || (unsigned char)c >= 0x80) cur += c;
            else { if (!cur.empty()) w.insert(cur); cur.clear(); }
        }
        return w;
    };
    std::set<std::string> doc_words = word_set(normalize_utf8(src)), tpl_words = word_set(template_texts());

    long covered_check = 0, texts = 0;
    std::map<int, long> last_end;
    long invented_numbers = 0, invented_names = 0, rounded_used = 0;
    std::set<int> kinds_seen;
    std::map<std::string, int> value_samples;  // sample texts holding a given income-statement value
    const char* probe[] = {"19,232", "18,795", "9,049", "5,777", "10.18", "(2,724)"};
    for (auto& p : prev) {
        // preview == shards: the text re-encodes to exactly the tokens at its offset, after an EOT
        REQUIRE(p.offset >= 1);
        REQUIRE(p.offset + p.tokens <= (long)stream.size());
        CHECK(stream[p.offset - 1] == BYTE_EOT);
        if (p.kind == "replay") continue;
        REQUIRE(p.has_text);
        texts++;
        auto ids = byte_encode(p.text);
        CHECK((long)ids.size() == p.tokens);
        CHECK(std::equal(ids.begin(), ids.end(), stream.begin() + p.offset));
        // spacing: a fact seen again only after a full context window
        for (int f : p.facts) {
            auto it = last_end.find(f);
            if (it != last_end.end()) CHECK(p.offset - 1 - it->second >= cfg.context);
            last_end[f] = p.offset + p.tokens;
        }
        // numbers: each one in the document, or a table amount rounded into billions
        auto nums = number_tokens(p.text);
        for (auto& n : nums) {
            std::string c = canon_number(n);
            if (doc_nums.count(c)) continue;
            size_t at = p.text.find(n + " billion");
            if (at != std::string::npos && rounded.count(c)) { rounded_used++; continue; }
            invented_numbers++;
            if (invented_numbers < 5) MESSAGE("number not in the document: " << n << " in: " << p.text);
        }
        // names: every capitalised word is the document's or the templates' own
        for (auto& w : word_set(p.text)) {
            if (!isupper((unsigned char)w[0])) continue;
            if (doc_words.count(w) || tpl_words.count(w)) continue;
            invented_names++;
            if (invented_names < 5) MESSAGE("word not in the document: " << w << " in: " << p.text);
        }
        for (auto v : probe) if (p.text.find(v) != std::string::npos) value_samples[v]++;
        kinds_seen.insert(p.kind == "entigraph" ? 0 : p.kind == "restate" ? 1 : p.kind == "qa" ? 2 : 3);
    }
    CHECK(invented_numbers == 0);
    CHECK(invented_names == 0);
    CHECK(rounded_used > 0);
    CHECK(kinds_seen.size() == 4);  // all four generators contributed
    // coverage read from the output itself: each probed statement value in many samples
    for (auto v : probe) { CHECK(value_samples[v] >= 5); if (value_samples[v] >= 5) covered_check++; }
    CHECK(texts == r.samples);
    system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("synth: deterministic by seed") {
    std::string a = "/tmp/test_synth_det_a_" + std::to_string(getpid()), b = "/tmp/test_synth_det_b_" + std::to_string(getpid()),
                c = "/tmp/test_synth_det_c_" + std::to_string(getpid());
    SynthConfig cfg = fixture_config();
    cfg.target_expansion = 12;
    cfg.preview_samples = 200;
    auto replay = fake_replay();
    auto ra = synth_run(RAW_FIXTURE, a, cfg, byte_encode, BYTE_EOT, BYTE_VOCAB, replay);
    auto rb = synth_run(RAW_FIXTURE, b, cfg, byte_encode, BYTE_EOT, BYTE_VOCAB, replay);
    cfg.seed = 7;
    auto rc = synth_run(RAW_FIXTURE, c, cfg, byte_encode, BYTE_EOT, BYTE_VOCAB, replay);
    REQUIRE(ra.shards == rb.shards);
    for (auto& s : ra.shards) CHECK(read_file(a + "/" + s) == read_file(b + "/" + s));
    CHECK(read_file(a + "/preview.jsonl") == read_file(b + "/preview.jsonl"));
    CHECK(ra.tokens == rb.tokens);
    CHECK(read_file(a + "/preview.jsonl") != read_file(c + "/preview.jsonl"));
    for (auto& d : {a, b, c}) system(("rm -rf '" + d + "'").c_str());
}

TEST_CASE("synth: switching generators off and a QA file refused as the document") {
    std::string dir = "/tmp/test_synth_gen_" + std::to_string(getpid());
    SynthConfig cfg = fixture_config();
    cfg.target_expansion = 8;
    cfg.w_entigraph = 0, cfg.w_permute = 0, cfg.w_qa = 0;
    cfg.replay = 0;
    auto r = synth_run(RAW_FIXTURE, dir, cfg, byte_encode, BYTE_EOT, BYTE_VOCAB, {});
    CHECK(r.per_generator.size() == 1);
    CHECK(r.per_generator.count("restate") == 1);
    CHECK(r.replay_tokens == 0);
    system(("rm -rf '" + dir + "'").c_str());
    // the held-out QA must stay unseen: a .jsonl given as the document is a usage error
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        load_document("data/3m/qa_heldout.jsonl");
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) != 0);
}

TEST_CASE("synth: the 10-K PDF through pdftotext") {
    std::string pdf = shared_dir() + "/data/3m/3M_2022_10K.pdf";
    if (!file_exists(pdf)) { skip_test("../shared/data/3m/3M_2022_10K.pdf not present"); return; }
    if (system("command -v pdftotext >/dev/null 2>&1") != 0) { skip_test("pdftotext (poppler-utils) not installed"); return; }
    Document d = load_document(pdf);
    CHECK(d.layout);
    CHECK(d.pages == 252);
    CHECK(d.body_pages < d.pages);  // exhibits after PART IV cut off
    CHECK(d.tables.size() >= 80);
    check_income_statement(d);
    // the segment table: a group header ("2022") over three columns
    bool seg = false;
    for (auto& t : d.tables)
        for (auto& r : t.rows)
            if (r.label == "Safety and Industrial" && t.columns.size() == 8 && t.columns[0] == "2022 Net Sales") {
                seg = true;
                CHECK(r.cells[0].text == "11,604");
                CHECK(t.columns[3] == "2021 Net Sales");
                CHECK(r.cells[3].text == "11,981");
            }
    CHECK(seg);
    // the one-cell-per-line reader against the layout reader on the whole 10-K: every cell it rebuilds
    // must agree with the cell at the same page, row label and year column of the layout text
    std::string txt = shared_dir() + "/data/3m/3M_2022_10K.txt";
    if (!file_exists(txt)) return;
    Document raw = load_document(txt);
    // (a label can repeat on a page, "Other — net" in each cash-flow section: one matching cell suffices)
    int agree = 0, disagree = 0;
    for (auto& t : raw.tables)
        for (auto& row : t.rows)
            for (size_t c = 0; c < row.cells.size(); c++) {
                if (!row.cells[c].present()) continue;
                bool found = false, match = false;
                for (auto& u : d.tables) {
                    if (u.page != t.page) continue;
                    for (auto& ur : u.rows) {
                        if (ur.label != row.label) continue;
                        for (size_t k = 0; k < u.columns.size(); k++)
                            if (contains(u.columns[k], t.columns[c]) && ur.cells[k].present()) {
                                found = true;
                                if (ur.cells[k].text == row.cells[c].text) match = true;
                            }
                    }
                }
                if (match) agree++;
                else if (found) { disagree++; MESSAGE("p" << t.page << " " << row.label << " " << t.columns[c] << ": " << row.cells[c].text); }
            }
    CHECK(agree >= 250);
    CHECK(disagree == 0);
}

// ---------------------------------------------------------------------------------------------
// pages 25-48 of the 10-K (MD&A segment tables through the income statement), coverage, chat forms

static std::string doc_3m(const char* ext) {
    for (std::string dir : {std::string("data/3m"), shared_dir() + "/data/3m"}) {
        std::string p = dir + "/3M_2022_10K." + ext;
        if (file_exists(p)) return p;
    }
    return "";
}
static PageRange pages_25_48() {
    PageRange r;
    REQUIRE(parse_page_range("25-48", &r));
    return r;
}

TEST_CASE("synth: a page range keeps those pages only, and one past the end is an error") {
    PageRange r;
    CHECK_FALSE(parse_page_range("48-25", &r));
    CHECK_FALSE(parse_page_range("0-3", &r));
    CHECK_FALSE(parse_page_range("25-", &r));
    std::string txt = doc_3m("txt");
    if (txt.empty()) { skip_test("data/3m/3M_2022_10K.txt not present"); return; }
    Document d = load_document(txt, pages_25_48());
    CHECK(d.body_pages == 24);
    CHECK(contains(d.body_text, "Consolidated Statement of Income"));
    CHECK_FALSE(contains(lower(d.body_text), "exact name of registrant"));  // the cover (page 1) is not in the body
    CHECK_FALSE(contains(d.body_text, "Consolidated Balance Sheet\n"));      // ... nor the balance sheet (page 51)
    Knowledge k = extract(d);
    CHECK(k.name == "3M");  // the cover still names the company
    CHECK(k.doc_numbers.count("34229"));     // net sales, page 46
    CHECK_FALSE(k.doc_numbers.count("20549"));  // the SEC's ZIP code on the cover: not a number of the part
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        PageRange far;
        parse_page_range("250-400", &far);
        load_document(txt, far);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == EXIT_USAGE);
}

// every number of a rendered cell statement is the fact's own (its value, label, period) or the document
// reference's: a value from another row or another year fails; a comparison's order matches the values
TEST_CASE("synth: cell statements and comparisons state their own row's value and year") {
    Document d = load_document(LAYOUT_FIXTURE);
    Knowledge k = extract(d);
    SynthConfig cfg;
    Generator G(k, cfg, 3);
    Tracker track;
    track.variants.resize(k.facts.size());
    G.track = &track;
    std::set<std::string> ref_nums = {canon_number(k.fiscal_year), "10", "31"};  // "2022 Form 10-K", "December 31"
    auto own = [&](const Fact& f) {
        std::set<std::string> n = ref_nums;
        for (auto& v : f.values) for (auto& t : number_tokens(v)) n.insert(canon_number(t));
        for (auto& t : number_tokens(f.derived + " " + f.label + " " + f.metric + " " + f.period + " " + f.source)) n.insert(canon_number(t));
        return n;
    };
    long checked = 0, compared = 0, bad = 0;
    for (auto& f : k.facts) {
        if (f.kind != FACT_CELL) continue;
        auto mine = own(f);
        for (int rep = 0; rep < 20; rep++) {
            std::string s = G.cell_statement(f);
            checked++;
            for (auto& t : number_tokens(s))
                if (!mine.count(canon_number(t))) { bad++; MESSAGE("not this cell's number: " << t << " in: " << s); }
            if (!f.period_short.empty()) CHECK(contains(s, f.period_short));
        }
        int o;
        std::string c = G.year_comparison(f, &o);
        if (c.empty()) continue;
        compared++;
        const Fact& g = k.facts[o];
        auto both = own(g);
        for (auto& n : mine) both.insert(n);
        for (auto& t : number_tokens(c)) if (!both.count(canon_number(t))) { bad++; MESSAGE("not a compared number: " << t << " in: " << c); }
        double vf, vg;
        REQUIRE(Generator::cell_number(f, &vf));
        REQUIRE(Generator::cell_number(g, &vg));
        double later = f.period_short > g.period_short ? vf : vg, earlier = f.period_short > g.period_short ? vg : vf;
        bool says_up = contains(c, " rose ") || contains(c, "higher") || contains(c, "increased") || contains(c, " grew ") || contains(c, "above") || contains(c, " up");
        bool says_down = contains(c, " fell ") || contains(c, "lower") || contains(c, "decreased") || contains(c, "declined") || contains(c, "below") || contains(c, " down");
        if (later > earlier) CHECK_MESSAGE((says_up && !says_down), c);
        if (later < earlier) CHECK_MESSAGE((says_down && !says_up), c);
    }
    CHECK(bad == 0);
    CHECK(checked > 1000);
    CHECK(compared > 40);
}

// the cover names the company and Item 1 (page 4) its segments, so a segment's table on page 30 says
// whose sales these are, not "3M's sales" four times over with four values
TEST_CASE("synth: a page range still learns the company's segments from the other pages") {
    std::string pdf = doc_3m("pdf");
    if (pdf.empty()) { skip_test("data/3m/3M_2022_10K.pdf not present"); return; }
    if (system("command -v pdftotext >/dev/null 2>&1") != 0) { skip_test("pdftotext (poppler-utils) not installed"); return; }
    Knowledge k = extract(load_document(pdf, pages_25_48()));
    CHECK(k.segments.size() == 4);
    int seg_cells = 0, unnamed = 0;
    for (auto& f : k.facts)
        if (f.kind == FACT_CELL && contains(f.source, "Business (")) {
            seg_cells++;
            bool named = false;
            for (auto& s : k.segments) named |= contains(f.source, s) && contains(f.label, s);
            unnamed += !named;
        }
    CHECK(seg_cells >= 60);
    CHECK(unnamed == 0);
    // and every statement of a cell names its column where the column is a part of the company
    // ("Americas" in "Total sales change, Americas"), not only its row
    SynthConfig cfg;
    Generator G(k, cfg, 5);
    long checked = 0, dropped = 0;
    for (auto& f : k.facts) {
        if (f.kind != FACT_CELL || f.metric.empty()) continue;
        bool part = std::find(k.segments.begin(), k.segments.end(), f.metric) != k.segments.end() ||
                    f.metric == "Americas" || f.metric == "Asia Pacific" || f.metric == "Worldwide";
        if (!part) continue;
        for (int rep = 0; rep < 60; rep++, checked++) {
            std::string st = G.cell_statement(f);
            if (!contains(st, f.metric)) { dropped++; MESSAGE("no " << f.metric << " in: " << st); }
        }
    }
    CHECK(checked > 1000);
    CHECK(dropped == 0);
}

TEST_CASE("synth: pages 25-48 of the 10-K: at least 95% of their numbers restated, from the PDF and from the text") {
    for (const char* ext : {"pdf", "txt"}) {
        std::string doc = doc_3m(ext);
        if (doc.empty()) { skip_test("data/3m/3M_2022_10K.{pdf,txt} not present"); continue; }
        if (std::string(ext) == "pdf" && system("command -v pdftotext >/dev/null 2>&1") != 0) { skip_test("pdftotext (poppler-utils) not installed"); continue; }
        std::string dir = "/tmp/test_synth_cov_" + std::string(ext) + std::to_string(getpid());
        SynthConfig cfg;
        cfg.context = 256;
        cfg.pages = pages_25_48();
        cfg.target_tokens = 4000000;  // one token per byte: about 1M tokens of a real tokenizer
        cfg.preview_samples = 0;
        cfg.replay = 0;
        SynthReport r = synth_run(doc, dir, cfg, byte_encode, BYTE_EOT, BYTE_VOCAB, {});
        INFO(ext << ": " << r.numbers_covered << " of " << r.numbers_doc);
        CHECK(r.entity == "3M");
        CHECK(r.body_pages == 24);
        CHECK(r.numbers_doc >= 300);
        CHECK(r.number_coverage >= 0.95);
        system(("rm -rf '" + dir + "'").c_str());
    }
}

// the chat forms in SmolLM2's template: special tokens as single ids, well-formed turns, preview == shards
TEST_CASE("synth: chat-form samples in the tokenizer's template") {
    const char* gguf = "models/SmolLM2-135M-Instruct.Q4_1.gguf";
    if (!file_exists(gguf)) { skip_test("models/SmolLM2-135M-Instruct.Q4_1.gguf not present (make smollm2)"); return; }
    Tokenizer tok = Tokenizer::from_gguf(GGUF::open(gguf));
    REQUIRE(tok.chat == CHAT_CHATML);
    int im_start = tok.special_id("<|im_start|>"), im_end = tok.special_id("<|im_end|>");
    REQUIRE(im_start >= 0);
    REQUIRE(im_end >= 0);
    ChatCodec chat;
    chat.render = [&](const std::vector<std::pair<std::string, std::string>>& turns) {
        std::vector<Tokenizer::ChatTurn> t;
        for (auto& x : turns) t.push_back({x.first, x.second});
        return tok.chat_text(t, false);
    };
    chat.encode = [&](const std::string& t) { return tok.encode(t, true); };
    auto encode = [&](const std::string& t) { return tok.encode(t, false); };
    std::string dir = "/tmp/test_synth_chat_" + std::to_string(getpid());
    SynthConfig cfg = fixture_config();
    cfg.target_expansion = 10;
    cfg.replay = 0;
    SynthReport r = synth_run(RAW_FIXTURE, dir, cfg, encode, tok.eot, tok.vocab_size, {}, &chat);
    std::vector<int> stream;
    for (auto& s : r.shards) { auto t = read_shard(dir + "/" + s, tok.vocab_size); stream.insert(stream.end(), t.begin(), t.end()); }
    long chats = 0, qa_restate = 0;
    std::vector<int> nl = tok.encode("\n", false);
    for (auto& p : read_preview(dir + "/preview.jsonl")) {
        REQUIRE(p.has_text);
        std::vector<int> ids(stream.begin() + p.offset, stream.begin() + p.offset + p.tokens);
        if (p.kind == "qa" || p.kind == "restate") qa_restate++;
        bool is_chat = starts_with(p.text, "<|im_start|>");
        if (!is_chat) {  // plain text: no special token at all
            CHECK(tok.encode(p.text, false) == ids);
            for (int id : ids) CHECK((id != im_start && id != im_end));
            continue;
        }
        chats++;
        CHECK((p.kind == "qa" || p.kind == "restate"));
        CHECK(chat.encode(p.text) == ids);  // preview == shards
        // turns: <|im_start|>role\n ... <|im_end|>\n, system first (the template's default), then user/assistant alternating
        std::vector<std::string> roles;
        for (size_t i = 0; i < ids.size(); i++) {
            if (ids[i] != im_start) continue;
            size_t e = std::find(ids.begin() + i + 1, ids.end(), im_end) - ids.begin();
            REQUIRE(e < ids.size());
            for (size_t q = i + 1; q < e; q++) CHECK(ids[q] != im_start);
            std::string body = tok.decode(std::vector<int>(ids.begin() + i + 1, ids.begin() + e));
            size_t br = body.find('\n');
            REQUIRE(br != std::string::npos);
            roles.push_back(body.substr(0, br));
            CHECK(trim(body.substr(br + 1)).size() > 0);
            CHECK(std::equal(nl.begin(), nl.end(), ids.begin() + e + 1));
        }
        REQUIRE(roles.size() >= 3);
        CHECK(roles[0] == "system");
        CHECK(roles.size() % 2 == 1);
        for (size_t i = 1; i < roles.size(); i++) CHECK(roles[i] == (i % 2 ? "user" : "assistant"));
        CHECK(ids.back() == nl.back());
    }
    CHECK(chats == r.chat_samples);
    double share = (double)chats / qa_restate;
    CHECK(share > cfg.chat_share - 0.12);
    CHECK(share < cfg.chat_share + 0.12);
    system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("synth: --expansion sets the size, --multiplicity the restatements of each fact (command line)") {
    const std::string o = "/tmp/test_synth_cli";
    auto synth = [&](const std::string& name, const std::string& flags) {
        std::string dir = o + "_" + name;
        int rc = system(("rm -rf " + dir + " && ./train synth --doc " + std::string(LAYOUT_FIXTURE) + " --out " + dir +
                         " --tokenizer gpt2 --replay 0 --threads 1" + flags + " >/dev/null 2>&1").c_str());
        REQUIRE(rc == 0);
        return dir;
    };
    // the fixture's facts, each restated in at least M samples when the size is left to --expansion
    auto min_restatements = [&](const std::string& dir, long* tokens, long* doc_tokens, long* samples) {
        std::string rep = read_file(dir + "/report.json");
        *tokens = json_int(rep, "tokens"); *doc_tokens = json_int(rep, "doc_tokens"); *samples = json_int(rep, "samples");
        long facts = json_int(rep, "facts");
        std::vector<int> n(facts, 0);
        std::vector<PreviewLine> pv = read_preview(dir + "/preview.jsonl");
        REQUIRE((long)pv.size() == *samples);  // the whole corpus is in the preview (under 2,000 samples)
        for (auto& p : pv)
            if (p.kind == "restate") {
                std::set<int> once(p.facts.begin(), p.facts.end());
                for (int f : once) n.at(f)++;
            }
        return *std::min_element(n.begin(), n.end());
    };
    long tokens, doc, samples;
    std::string a = synth("m1", " --expansion 2 --multiplicity 1");
    int m1 = min_restatements(a, &tokens, &doc, &samples);
    CHECK(tokens >= 2 * doc);  // draws stop at the first sample past the target
    CHECK(tokens < 2 * doc + 1000);
    CHECK(m1 >= 1);
    std::string b = synth("m7", " --expansion 2 --multiplicity 7");
    CHECK(min_restatements(b, &tokens, &doc, &samples) == 7);  // topped up past the expansion's size
    CHECK(tokens > 2 * doc + 1000);
    system(("rm -rf " + a + " " + b).c_str());
}
