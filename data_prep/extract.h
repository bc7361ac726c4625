// extract.h: knowledge extraction from a cleaned Document (data_prep/document.h): the document's main
// entity (registrant name on the cover page), sentences as facts (boilerplate dropped, "the Company",
// "we", "our" replaced by the entity's name), table cells as facts (row label x column header ->
// value, with the unit and the table's scale), and entities with their mentions (organisations,
// segments, products, people, places, dates, money amounts, percentages, counts).
// Usage: synth::Knowledge k = synth::extract(doc); k.facts, k.entities, k.name ("3M").
#pragma once
#include <map>
#include <set>
#include "data_prep/document.h"

namespace synth {

enum FactKind { FACT_SENTENCE = 0, FACT_CELL = 1, FACT_NOTE = 2 };

struct Mention { int entity; std::string text; };

struct Fact {
    int id = 0;
    FactKind kind = FACT_SENTENCE;
    std::string text;      // sentence (names resolved) or, for a cell, a plain statement of it
    int topic = 0;         // facts of one paragraph / one table row share a topic
    std::string section;
    // cells only
    int table = -1, row = -1, col = -1;
    std::string label, metric, period, period_short, source, unit;  // period: "in 2022" / "as of December 31, 2022"; period_short: "2022"
    std::vector<std::string> values;  // printed forms of the value, first is the primary ("$34,229 million"; "$(2,724) million", "negative $2,724 million")
    std::string derived;              // a rounded form in a larger unit ("$34.2 billion"), empty if none
    std::vector<std::string> numbers; // canonical number tokens the fact states
    std::vector<Mention> mentions;    // entities named in the fact
    bool numeric() const { return !numbers.empty(); }
};

struct Entity {
    std::string name, type;  // type: org segment product person place date money percent count term
    int mentions = 0;
    std::vector<int> facts;
};

struct Knowledge {
    std::string name;        // short name used in text: "3M"
    std::string full_name;   // "3M Company"
    std::string fiscal_year; // "2022"
    std::string fiscal_year_end;  // "December 31"
    std::string form;        // "Form 10-K" when the cover says so
    std::vector<Fact> facts;
    std::vector<Entity> entities;
    std::vector<std::vector<int>> topics;  // fact ids per topic
    std::vector<std::string> segments;
    std::set<std::string> doc_numbers;     // canonical number tokens of the cleaned document text
    std::string clean_text;                // cleaned body (paragraphs + rebuilt rows), for statistics
    int sentences_total = 0, sentences_boilerplate = 0, sentences_short = 0;
};

// ---------------------------------------------------------------------------------------------
// main entity

inline std::string title_case_word(const std::string& w) {
    bool has_digit = std::any_of(w.begin(), w.end(), [](char c) { return is_digit(c); });
    if (has_digit || w.size() <= 1) return w;
    std::string o = w;
    for (size_t i = 1; i < o.size(); i++) o[i] = (char)tolower((unsigned char)o[i]);
    return o;
}
inline size_t count_occurrences(const std::string& hay, const std::string& needle) {
    if (needle.empty()) return 0;
    size_t n = 0, p = 0;
    while ((p = hay.find(needle, p)) != std::string::npos) {
        bool left = p == 0 || !isalnum((unsigned char)hay[p - 1]);
        bool right = p + needle.size() >= hay.size() || !isalnum((unsigned char)hay[p + needle.size()]);
        if (left && right) n++;
        p += needle.size();
    }
    return n;
}

// Registrant name from the cover page: the line before "(Exact name of registrant ...)", else the first
// all-capital line ending in a company word. Short name: without the legal suffix if the text uses it.
inline void detect_entity(const Document& doc, const std::string& body, Knowledge* k) {
    static const std::set<std::string> suffix = {"COMPANY", "CORPORATION", "INC", "INC.", "CORP", "CORP.", "LTD", "LTD.", "PLC", "CO.", "INCORPORATED", "LIMITED", "N.V.", "S.A.", "AG", "SE", "HOLDINGS", "GROUP"};
    std::string reg;
    for (size_t i = 0; i < doc.cover.size() && reg.empty(); i++)
        if (contains(lower(doc.cover[i]), "exact name of registrant") && i > 0) reg = doc.cover[i - 1];
    for (size_t i = 0; i < doc.cover.size() && reg.empty(); i++) {
        const std::string& l = doc.cover[i];
        auto w = split_words(l);
        if (w.empty() || w.size() > 6) continue;
        bool caps = true;
        for (char c : l) if (islower((unsigned char)c)) caps = false;
        std::string last = w.back();
        while (!last.empty() && last.back() == ',') last.pop_back();
        if (caps && suffix.count(last)) reg = l;
    }
    if (reg.empty()) {  // no cover: the most frequent "X Company/Corporation/Inc." phrase
        std::map<std::string, int> cnt;
        auto words = split_words(body);
        for (size_t i = 1; i < words.size(); i++) {
            std::string w = words[i];
            while (!w.empty() && !isalnum((unsigned char)w.back()) && w.back() != '.') w.pop_back();
            std::string up = w;
            for (auto& c : up) c = (char)toupper((unsigned char)c);
            if (suffix.count(up) && isupper((unsigned char)words[i - 1][0])) cnt[words[i - 1] + " " + w]++;
        }
        int best = 0;
        for (auto& kv : cnt) if (kv.second > best) best = kv.second, reg = kv.first;
    }
    if (reg.empty()) { k->name = k->full_name = "the company"; return; }
    auto w = split_words(reg);
    std::vector<std::string> tc;
    for (auto& x : w) tc.push_back(title_case_word(x));
    k->full_name = join(tc, " ");  // "3M COMPANY" -> "3M Company"
    std::vector<std::string> core = tc;
    while (core.size() > 1) {
        std::string up = core.back();
        for (auto& c : up) c = (char)toupper((unsigned char)c);
        if (!suffix.count(up)) break;
        core.pop_back();
    }
    std::string shortn = join(core, " ");
    k->name = count_occurrences(body, shortn) >= 5 ? shortn : k->full_name;
}

inline void detect_fiscal_year(const Document& doc, Knowledge* k) {
    static const char* months[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
    for (auto& l : doc.cover) {
        std::string u = lower(l);
        size_t p = u.find("fiscal year ended ");
        if (p == std::string::npos) continue;
        std::string rest = l.substr(p + 18);
        for (auto m : months)
            if (starts_with(rest, m)) {
                auto nums = number_tokens(rest);
                if (nums.size() >= 2 && is_year(nums[1])) {
                    k->fiscal_year_end = std::string(m) + " " + nums[0];
                    k->fiscal_year = nums[1];
                }
            }
        if (contains(u, "form 10-k") || contains(lower(join(doc.cover, " ")), "form 10-k")) k->form = "Form 10-K";
        break;
    }
    if (k->form.empty() && contains(lower(join(doc.cover, " ")), "form 10-k")) k->form = "Form 10-K";
}

// ---------------------------------------------------------------------------------------------
// sentences

inline bool is_abbreviation(const std::string& word) {
    static const std::set<std::string> ab = {"u.s", "inc", "no", "co", "corp", "ltd", "mr", "ms", "mrs", "dr", "jr", "sr", "vs", "e.g", "i.e",
                                             "st", "approx", "etc", "a.m", "p.m", "u.s.c", "s.e.c", "d.c", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                                             "sept", "oct", "nov", "dec", "u.k", "n.a", "s.a", "n.v", "l.p", "fig", "nos", "v", "ft", "sq"};
    std::string w = lower(word);
    while (!w.empty() && (w[0] == '(' || w[0] == '"')) w.erase(0, 1);
    if (w.size() == 1 && isalpha((unsigned char)w[0])) return true;  // an initial: "Michael F. Roman"
    return ab.count(w) > 0;
}

inline std::vector<std::string> split_sentences(const std::string& text) {
    std::vector<std::string> out;
    size_t a = 0, n = text.size();
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c != '.' && c != '!' && c != '?') continue;
        size_t j = i + 1;
        while (j < n && (text[j] == '"' || text[j] == ')' || text[j] == '\'')) j++;
        if (j >= n) break;
        if (text[j] != ' ') continue;
        size_t k = j;
        while (k < n && text[k] == ' ') k++;
        if (k >= n) break;
        char nx = text[k];
        if (!(isupper((unsigned char)nx) || is_digit(nx) || nx == '"' || nx == '(' || (unsigned char)nx >= 0x80)) continue;
        if (c == '.') {
            size_t ws = text.rfind(' ', i);
            std::string word = text.substr(ws == std::string::npos ? a : ws + 1, i - (ws == std::string::npos ? a : ws + 1));
            if (is_abbreviation(word)) continue;
        }
        out.push_back(trim(text.substr(a, j - a)));
        a = k;
        i = k - 1;
    }
    if (a < n) { std::string t = trim(text.substr(a)); if (!t.empty()) out.push_back(t); }
    return out;
}

// "we expect" -> "3M expects": the verb after a first-person plural subject takes the third person
inline std::string third_person(const std::string& w) {
    static const std::map<std::string, std::string> irregular = {{"are", "is"}, {"were", "was"}, {"have", "has"}, {"do", "does"}, {"don't", "doesn't"}, {"go", "goes"}};
    static const std::set<std::string> keep = {"may", "might", "can", "could", "will", "would", "should", "must", "shall", "also", "not", "continue", "believe"};
    auto it = irregular.find(w);
    if (it != irregular.end()) return it->second;
    if (keep.count(w) && w != "continue" && w != "believe") return w;
    if (w.empty() || !std::all_of(w.begin(), w.end(), [](char c) { return islower((unsigned char)c); })) return w;
    if (ends_with(w, "ed") || ends_with(w, "s") || ends_with(w, "ly")) return w;
    if (ends_with(w, "sh") || ends_with(w, "ch") || ends_with(w, "x") || ends_with(w, "z") || ends_with(w, "o")) return w + "es";
    if (w.size() > 2 && w.back() == 'y' && !strchr("aeiou", w[w.size() - 2])) return w.substr(0, w.size() - 1) + "ies";
    return w + "s";
}

// Replaces the document's self-references by the entity's name so that every restated sentence
// names its subject ("the Company's" -> "3M's", "We believe" -> "3M believes", "our" -> "3M's").
// `we` names the writer where that is not the company (the auditor's report).
inline std::string resolve_pronouns(const std::string& s, const std::string& name, std::string we = "") {
    if (we.empty()) we = name;
    std::string poss = name + "'s", we_poss = we + "'s";
    std::string o = s;
    const std::vector<std::pair<std::string, std::string>> phr = {
        {"the Company's", poss}, {"The Company's", poss}, {"the Company", name}, {"The Company", name},
        {"the Registrant's", poss}, {"the registrant's", poss}, {"the Registrant", name}, {"the registrant", name}};
    for (auto& kv : phr) {
        size_t p = 0;
        while ((p = o.find(kv.first, p)) != std::string::npos) {
            size_t e = p + kv.first.size();
            bool left = p == 0 || !isalnum((unsigned char)o[p - 1]);
            bool right = e >= o.size() || !isalnum((unsigned char)o[e]);
            if (left && right) { o.replace(p, kv.first.size(), kv.second); p += kv.second.size(); }
            else p = e;
        }
    }
    // word-level pass for we / our / us
    auto words = split_words(o);
    static const std::set<std::string> adverbs = {"also", "still", "generally", "currently", "now", "further", "continually", "typically", "regularly", "not"};
    for (size_t i = 0; i < words.size(); i++) {
        std::string w = words[i], core = w, tail;
        while (!core.empty() && !isalnum((unsigned char)core.back()) && core.back() != '\'') tail.insert(tail.begin(), core.back()), core.pop_back();
        if (core == "We" || core == "we") {
            words[i] = we + tail;
            size_t j = i + 1;
            while (j < words.size() && adverbs.count(lower(words[j]))) j++;
            if (j < words.size()) {
                std::string v = words[j], vt;
                while (!v.empty() && !isalnum((unsigned char)v.back()) && v.back() != '\'') vt.insert(vt.begin(), v.back()), v.pop_back();
                words[j] = third_person(v) + vt;
            }
        } else if (core == "Our" || core == "our") words[i] = we_poss + tail;
        else if (core == "us" && i > 0) words[i] = we + tail;
        else if (core == "ourselves") words[i] = "itself" + tail;
    }
    return join(words, " ");
}

// Sentences that carry no knowledge about the company: legal boilerplate, navigation, cover-page forms.
inline bool is_boilerplate(const std::string& s) {
    std::string u = lower(s);
    static const char* bad[] = {"forward-looking", "private securities litigation reform act", "safe harbor", "undertakes no obligation",
                                "check mark", "incorporated by reference", "incorporated herein by reference", "table of contents",
                                "hyperlink", "edgar", "http", "www.", "exhibit", "/s/", "pursuant to the requirements of",
                                "the accompanying notes", "this annual report on form 10-k", "cautionary note", "signature",
                                "power of attorney", "attorney-in-fact", "is included in note", "are included in note",
                                "table that follows", "tables that follow", "following table", "following tables", "table below",
                                "tables below", "as follows", "is provided in the", "are provided in the", "is presented in the",
                                "are presented in the", "preceding table", "preceding tables"};
    for (auto b : bad) if (contains(u, b)) return true;
    static const char* starts[] = {"refer to ", "see note", "see the ", "see part", "for additional ", "for more ", "for further ", "also refer to ", "see also "};
    for (auto b : starts) if (starts_with(u, b)) return true;
    if (contains(u, "refer to ") && split_words(s).size() < 22) return true;  // mostly a cross-reference
    return false;
}

inline bool sentence_ok(const std::string& s, int* why) {
    auto w = split_words(s);
    if (w.size() < 6 || w.size() > 110) { *why = 1; return false; }
    char last = s.back();
    if (last == '"' || last == ')') last = s.size() > 1 ? s[s.size() - 2] : last;
    if (last != '.' && last != '?' && last != '!') { *why = 1; return false; }
    if (!isupper((unsigned char)s[0]) && !is_digit(s[0]) && s[0] != '"' && s[0] != '(') { *why = 1; return false; }
    int alpha = 0, lowerc = 0;
    for (char c : s) { if (isalpha((unsigned char)c)) alpha++; if (islower((unsigned char)c)) lowerc++; }
    if (alpha * 2 < (int)s.size() || lowerc * 3 < alpha) { *why = 1; return false; }
    if (is_boilerplate(s)) { *why = 2; return false; }
    return true;
}

// ---------------------------------------------------------------------------------------------
// entities

struct EntityIndex {
    std::map<std::string, int> id;  // "type\tname" -> index
    std::vector<Entity>* list;
    int get(const std::string& name, const std::string& type) {
        std::string key = type + "\t" + name;
        auto it = id.find(key);
        if (it != id.end()) return it->second;
        int i = (int)list->size();
        list->push_back({name, type, 0, {}});
        id[key] = i;
        return i;
    }
};

inline const std::set<std::string>& place_names() {
    static const std::set<std::string> p = {
        "United States", "U.S.", "Americas", "Asia Pacific", "Europe", "Middle East", "Africa", "Europe, Middle East and Africa", "Latin America",
        "North America", "South America", "Canada", "Mexico", "Brazil", "China", "Japan", "Korea", "South Korea", "India", "Germany", "France",
        "Belgium", "Netherlands", "United Kingdom", "Ireland", "Italy", "Spain", "Switzerland", "Sweden", "Poland", "Russia", "Ukraine", "Australia",
        "Singapore", "Taiwan", "Hong Kong", "Philippines", "Thailand", "Vietnam", "Malaysia", "Indonesia", "Israel", "Turkey", "Argentina", "Chile",
        "Colombia", "Peru", "Puerto Rico", "Minnesota", "Delaware", "Alabama", "Illinois", "Texas", "California", "New York", "New Jersey",
        "Michigan", "Wisconsin", "Iowa", "Missouri", "Georgia", "Florida", "Ohio", "Pennsylvania", "Washington", "Oregon", "Maine", "Vermont",
        "Massachusetts", "Connecticut", "North Carolina", "South Carolina", "Tennessee", "Kentucky", "Virginia", "West Virginia", "Maryland",
        "Arizona", "Colorado", "Utah", "Nevada", "Oklahoma", "Kansas", "Nebraska", "Indiana", "Louisiana", "Arkansas", "Mississippi",
        "St. Paul", "Maplewood", "Minneapolis", "Cordova", "Decatur", "Zwijndrecht", "Antwerp", "Flanders", "Cottage Grove", "Guin",
        "New Hampshire", "Rhode Island", "Hawaii", "Alaska", "Idaho", "Montana", "Wyoming", "North Dakota", "South Dakota", "New Mexico",
        "Washington, D.C.", "Brussels", "London", "Tokyo", "Shanghai", "Singapore", "Dubai", "Chicago", "Seoul", "Paris"};
    return p;
}
inline const std::set<std::string>& cap_stopwords() {
    static const std::set<std::string> s = {
        "The", "A", "An", "In", "On", "At", "For", "As", "Of", "And", "Or", "By", "To", "From", "With", "This", "These", "That", "Those", "Such",
        "Its", "It", "Their", "Total", "Other", "Net", "Certain", "Each", "All", "Any", "Some", "If", "When", "While", "During", "After", "Before",
        "Under", "Since", "Although", "However", "Also", "Additionally", "In addition", "Further", "Furthermore", "Note", "Notes", "Item", "Part",
        "Table", "Refer", "See", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December", "Year", "Years", "Company", "Consolidated", "Statement", "Statements", "Income", "Sales", "Based", "Following", "Beginning",
        "There", "Both", "Because", "Through", "Until", "Within", "Including", "Among", "Upon", "Over", "Into", "Only", "Most", "Many", "Several",
        "Approximately", "Accordingly", "Therefore", "Thus", "Where", "Whether", "Which", "What", "Who", "How", "No", "Not", "New", "First", "Second",
        "Third", "Fourth", "Quarter", "Management", "Board", "Directors", "Plan", "Plans", "Program", "Level", "Fair", "Value"};
    return s;
}

// Extracts entity mentions from a sentence. Numbers with a unit become money/percent/count mentions;
// runs of capitalised words become names, typed by a place list, company suffixes, trademarks and the
// document's segment names.
inline std::vector<Mention> find_mentions(const std::string& s, EntityIndex& E, const std::vector<std::string>& segments, const std::string& self,
                                          const std::set<std::string>* lower_vocab = nullptr) {
    std::vector<Mention> out;
    std::set<int> seen;
    auto add = [&](const std::string& name, const std::string& type) {
        if (name.empty() || name == self) return;
        int id = E.get(name, type);
        if (seen.insert(id).second) out.push_back({id, name});
    };
    std::string used = s;  // spans already taken are blanked so that a segment is not also read as a term
    for (auto& seg : segments) {
        size_t p = 0;
        while ((p = used.find(seg, p)) != std::string::npos) {
            add(seg, "segment");
            for (size_t q = p; q < p + seg.size(); q++) used[q] = ' ';
            p += seg.size();
        }
    }
    for (auto& pl : place_names()) {
        size_t p = used.find(pl);
        if (p != std::string::npos) {
            size_t e = p + pl.size();
            bool left = p == 0 || (!isalnum((unsigned char)used[p - 1]) && used[p - 1] != '-');
            bool right = e >= used.size() || (!isalnum((unsigned char)used[e]) && used[e] != '-');  // not "Georgia-Pacific"
            if (left && right) { add(pl, "place"); for (size_t q = p; q < e; q++) used[q] = ' '; }
        }
    }
    // numbers with units
    auto words = split_words(s);
    static const std::set<std::string> months = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
    for (size_t i = 0; i < words.size(); i++) {
        std::string w = words[i];
        std::string core = w;
        while (!core.empty() && strchr(",.;:)\"", core.back())) core.pop_back();
        while (!core.empty() && strchr("(\"", core[0])) core.erase(0, 1);
        if (core.empty()) continue;
        std::string nxt = i + 1 < words.size() ? words[i + 1] : "";
        std::string nxt_core = nxt;
        while (!nxt_core.empty() && strchr(",.;:)\"", nxt_core.back())) nxt_core.pop_back();
        if (months.count(core) && i + 1 < words.size()) {
            auto nums = number_tokens(nxt);
            if (!nums.empty() && nums[0].size() <= 2 && i + 2 < words.size() && is_year(number_tokens(words[i + 2]).empty() ? "" : number_tokens(words[i + 2])[0]))
                add(core + " " + nxt_core + ", " + number_tokens(words[i + 2])[0], "date");
            else if (!nums.empty() && is_year(nums[0])) add(core + " " + nums[0], "date");
            continue;
        }
        if (core[0] == '$' && core.size() > 1 && is_digit(core[core.size() - 1])) {
            std::string m = core;
            if (nxt_core == "million" || nxt_core == "billion" || nxt_core == "thousand" || nxt_core == "trillion") m += " " + nxt_core;
            add(m, "money");
            continue;
        }
        if (!is_digit(core[0])) continue;
        auto nums = number_tokens(core);
        if (nums.empty() || nums[0].size() != core.size() - (ends_with(core, "%") ? 1 : 0)) continue;
        if (ends_with(core, "%")) { add(core, "percent"); continue; }
        if (nxt_core == "percent" || nxt_core == "percentage") { add(core + " " + nxt_core + (nxt_core == "percentage" ? " points" : ""), "percent"); continue; }
        if (is_year(core) && core.find(',') == std::string::npos) { add(core, "date"); continue; }
        if (!nxt_core.empty() && islower((unsigned char)nxt_core[0]) && nxt_core.size() > 2 && std::all_of(nxt_core.begin(), nxt_core.end(), [](char c) { return isalpha((unsigned char)c) || c == '-'; }) &&
            nxt_core != "percent" && nxt_core != "million" && nxt_core != "billion" && nxt_core != "and" && nxt_core != "to" && nxt_core != "of" && nxt_core != "in")
            add(core + " " + nxt_core, "count");
    }
    // capitalised runs (names)
    std::vector<std::string> ws = split_words(used);
    for (size_t i = 0; i < ws.size();) {
        auto clean = [](std::string w) {
            while (!w.empty() && strchr(",.;:)\"'", w.back())) w.pop_back();
            while (!w.empty() && strchr("(\"", w[0])) w.erase(0, 1);
            if (ends_with(w, "'s")) w = w.substr(0, w.size() - 2);
            return w;
        };
        std::string w0 = clean(ws[i]);
        bool cap = !w0.empty() && (isupper((unsigned char)w0[0]) || (is_digit(w0[0]) && std::any_of(w0.begin(), w0.end(), [](char c) { return isupper((unsigned char)c); })));
        if (!cap) { i++; continue; }
        size_t j = i;
        std::vector<std::string> run;
        while (j < ws.size()) {
            std::string wj = clean(ws[j]);
            bool capj = !wj.empty() && (isupper((unsigned char)wj[0]) || (is_digit(wj[0]) && std::any_of(wj.begin(), wj.end(), [](char c) { return isupper((unsigned char)c); })));
            bool connector = (wj == "and" || wj == "of" || wj == "&") && !run.empty() && j + 1 < ws.size() && isupper((unsigned char)clean(ws[j + 1])[0]);
            if (!(capj || connector)) break;
            run.push_back(wj);
            bool stop = ws[j].back() == ',' || ws[j].back() == '.' || ws[j].back() == ';' || ws[j].back() == ':' || ws[j].back() == ')' || ends_with(ws[j], "'s");
            j++;
            if (stop) break;
        }
        bool initial = i == 0;
        i = std::max(j, i + 1);
        while (!run.empty() && (cap_stopwords().count(run.front()) || (!isupper((unsigned char)run.front()[0]) && !is_digit(run.front()[0])))) run.erase(run.begin()), initial = false;
        while (!run.empty() && (run.back() == "and" || run.back() == "of" || run.back() == "&")) run.pop_back();
        if (run.empty()) continue;
        std::string name = join(run, " ");
        if (name == self || name.size() < 2) continue;
        bool all_stop = true;
        for (auto& r : run) if (!cap_stopwords().count(r)) all_stop = false;
        if (all_stop) continue;
        std::string type = "term";
        std::string last = run.back();
        static const std::set<std::string> org_words = {"Inc", "Inc.", "Company", "Corporation", "Corp", "Corp.", "LLC", "Ltd", "Ltd.", "Agency", "Commission",
                                                        "Court", "Department", "Association", "University", "Exchange", "Bank", "Technologies", "Holdings", "Group",
                                                        "Laboratories", "Electric", "Partners", "Foundation", "Institute", "Authority", "Administration"};
        bool tm = contains(name, "\xE2\x84\xA2") || contains(name, "\xC2\xAE");
        bool acronym = run.size() == 1 && name.size() >= 2 && name.size() <= 6 && std::all_of(name.begin(), name.end(), [](char c) { return isupper((unsigned char)c) || is_digit(c) || c == '&'; });
        bool person = run.size() >= 2 && run.size() <= 4;
        if (person) {  // "Michael F. Roman": first name, one initial, surname
            int initials = 0;
            for (size_t q = 1; q + 1 < run.size(); q++) if (run[q].size() == 2 && run[q][1] == '.' && isupper((unsigned char)run[q][0])) initials++;
            person = initials == 1;
        }
        if (run.size() == 1 && org_words.count(name)) continue;  // a bare "LLC" or "Inc." names nobody
        if (tm) type = "product";
        else if (org_words.count(last) || acronym) type = "org";
        else if (person) type = "person";
        else if (place_names().count(name)) type = "place";
        else if (run.size() == 1 && (initial || contains(name, "-") || name.size() < 4)) continue;  // a capitalised first word is no name
        else if (run.size() == 1 && lower_vocab && lower_vocab->count(lower(name))) continue;    // "Property," is a word the text also writes in lower case
        add(name, type);
    }
    return out;
}

// Segment names: the capitalised items listed in sentences that name the business segments
// ("... four business segments: Safety and Industrial; Transportation and Electronics; ...").
inline std::vector<std::string> detect_segments(const std::vector<std::string>& sentences) {
    std::map<std::string, int> cnt;
    for (auto& s : sentences) {
        std::string u = lower(s);
        size_t p = u.find("segments");
        if (p == std::string::npos) continue;
        size_t q = s.find(':', p);
        size_t r = u.find(" are ", p);
        size_t start = q != std::string::npos ? q + 1 : r != std::string::npos ? r + 5 : std::string::npos;
        if (start == std::string::npos) continue;
        std::string list = s.substr(start);
        if (!list.empty() && list.back() == '.') list.pop_back();
        std::vector<std::string> items;
        if (list.find(';') != std::string::npos) {
            size_t a = 0;
            for (size_t i = 0; i <= list.size(); i++) if (i == list.size() || list[i] == ';') items.push_back(list.substr(a, i - a)), a = i + 1;
        } else {
            size_t a = 0;
            for (size_t i = 0; i <= list.size(); i++) if (i == list.size() || list[i] == ',') items.push_back(list.substr(a, i - a)), a = i + 1;
        }
        if (items.size() < 2 || items.size() > 8) continue;
        std::vector<std::string> good;
        for (auto it : items) {
            it = trim(it);
            if (starts_with(it, "and ")) it = it.substr(4);
            auto w = split_words(it);
            if (w.empty() || w.size() > 5) { good.clear(); break; }
            bool ok = true;
            for (auto& x : w) if (!(isupper((unsigned char)x[0]) || x == "and" || x == "&" || x == "of")) ok = false;
            if (!ok) { good.clear(); break; }
            good.push_back(it);
        }
        for (auto& g : good) cnt[g]++;
    }
    std::vector<std::string> out;
    for (auto& kv : cnt) if (kv.second >= 2) out.push_back(kv.first);
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });  // longest first
    return out;
}

// ---------------------------------------------------------------------------------------------
// table cells

inline std::string strip_period_from_header(const std::string& h, std::string* period, std::string* period_short) {
    // pulls "Year ended December 31, 2022" / "December 31, 2022" / "2022" / "as of December 31," out of a column header
    static const char* months[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
    std::string rest = " " + h + " ";
    std::string year;
    for (auto& t : number_tokens(h)) if (is_year(t)) { year = t; break; }
    std::string date;
    for (auto m : months) {
        size_t p = h.find(m);
        if (p == std::string::npos) continue;
        auto nums = number_tokens(h.substr(p));
        if (!nums.empty() && !is_year(nums[0])) date = std::string(m) + " " + nums[0];
    }
    static const char* drop[] = {"Years ended ", "Year ended ", "years ended ", "year ended ", "as of ", "As of ", "At ", "at "};
    for (auto d : drop) rest = replace_all(rest, d, " ");
    for (auto m : months) {
        size_t p;
        while ((p = rest.find(m)) != std::string::npos) {
            size_t e = p + strlen(m);
            while (e < rest.size() && (rest[e] == ' ' || is_digit(rest[e]) || rest[e] == ',')) e++;
            rest.erase(p, e - p);
            rest.insert(p, " ");
        }
    }
    if (!year.empty()) rest = replace_all(rest, " " + year + " ", " ");
    rest = collapse_spaces(rest);
    while (!rest.empty() && (rest.back() == ',' || rest.back() == ' ')) rest.pop_back();
    if (!year.empty()) {
        *period_short = year;
        *period = date.empty() ? year : date + ", " + year;
    }
    return rest;
}

inline std::string lower_label(const std::string& s) {
    // "Cost of sales" -> "cost of sales"; names and acronyms ("Health Care", "SG&A") keep their case
    auto w = split_words(s);
    if (w.empty()) return s;
    std::string f = w[0];
    bool lowerable = f.size() > 1 && isupper((unsigned char)f[0]) && std::all_of(f.begin() + 1, f.end(), [](char c) { return !isupper((unsigned char)c) && !is_digit(c); });
    bool next_cap = w.size() > 1 && isupper((unsigned char)w[1][0]);
    if (lowerable && !next_cap) { w[0][0] = (char)tolower((unsigned char)w[0][0]); }
    return join(w, " ");
}

// Unit of one table cell and its printed forms. Scale words come from the table ("(Millions, except
// per share amounts)"); "$" and "%" printed in the column decide money and percent.
inline void cell_forms(const Table& t, const TableRow& r, int col, const std::string& entity, Fact* f) {
    const TableCell& c = r.cells[col];
    std::string scale = lower(t.scale), lab = lower(r.label + " " + r.group), head = lower(t.columns[col]);
    std::string except;
    size_t ex = scale.find("except");
    if (ex != std::string::npos) except = scale.substr(ex + 6);
    std::string mult;
    if (contains(lab, "(millions)") || contains(head, "(millions)")) mult = "million";  // "Sales (millions)" in an unscaled table
    else if (contains(scale, "million")) mult = "million";
    else if (contains(scale, "thousand")) mult = "thousand";
    else if (contains(scale, "billion")) mult = "billion";
    bool excepted = false;
    // "except per share amounts" exempts per-share rows (below); other words name what is unscaled ("except Employees")
    for (auto w : split_words(replace_all(replace_all(except, "per share", ""), "per-share", ""))) {
        while (!w.empty() && !isalpha((unsigned char)w.back())) w.pop_back();
        if (w.size() > 3 && w != "amounts" && w != "amount" && (contains(lab, w) || contains(head, w))) excepted = true;
    }
    bool per_share = contains(lab, "per share") || contains(head, "per share") || contains(lab, "per diluted share") || contains(head, "per diluted share") ||
                     contains(head, "price") || contains(lab, "price") || contains(head, "grant date fair value") || contains(head, "exercise price");
    if (per_share && contains(except, "per share")) excepted = true;
    if (per_share) excepted = true;  // a price or an amount per share is never in the table's millions
    bool shares = contains(lab, "shares") || contains(head, "shares") || contains(head, "options") || contains(scale, "shares") || contains(scale, "options");
    std::string num = c.text;
    bool neg = num.size() > 2 && num[0] == '(' && num.back() == ')';
    std::string mag = neg ? num.substr(1, num.size() - 2) : num;
    if (!mag.empty() && mag[0] == '-') { neg = true; mag = mag.substr(1); }
    std::string unit, primary, negword;
    std::vector<std::string> forms;
    auto add_neg = [&](const std::string& prefix, const std::string& body, const std::string& suffix) {
        // accounting parentheses as printed, a minus sign, and the word "negative"
        forms.push_back(prefix + "(" + body + ")" + suffix);
        forms.push_back("-" + prefix + body + suffix);
        forms.push_back("negative " + prefix + body + suffix);
    };
    if (c.percent) {
        unit = "percent";
        if (neg) add_neg("", mag, "%");
        else { forms.push_back(mag + "%"); forms.push_back(mag + " percent"); }
    } else {
        bool money = c.dollar || per_share || contains(scale, "dollar") || (!mult.empty() && !shares && !excepted && !contains(scale, "percent"));
        if (per_share) shares = false;
        std::string m = excepted ? "" : mult;
        std::string sfx = m.empty() ? "" : " " + m;
        if (money && !shares) {
            if (per_share || excepted) sfx = "";
            unit = sfx.empty() ? "usd" : "usd_" + m;
            if (neg) add_neg("$", mag, sfx);
            else { forms.push_back("$" + mag + sfx); if (!sfx.empty()) forms.push_back(mag + sfx + " dollars"); }
        } else {
            std::string noun = shares ? (contains(head, "options") || contains(scale, "options") ? " options" : " shares") : "";
            unit = shares ? "shares" : (m.empty() ? "number" : "number_" + m);
            if (neg) add_neg("", mag, sfx + noun);
            else forms.push_back(mag + sfx + noun);
        }
        // a rounded figure in billions for large dollar amounts in millions ("$34,229 million" -> "$34.2 billion")
        if (unit == "usd_million" && !neg) {
            std::string digits = canon_number(mag);
            if (digits.find('.') == std::string::npos && digits.size() >= 4) {
                long v = atol(digits.c_str());
                long tenths = (v + 50) / 100;  // round half up to 0.1 billion
                char b[64];
                snprintf(b, sizeof b, "$%ld.%ld billion", tenths / 10, tenths % 10);
                f->derived = b;
            }
        }
    }
    f->unit = unit;
    f->values = forms;
    (void)entity;
}

// ---------------------------------------------------------------------------------------------

inline Knowledge extract(const Document& doc) {
    Knowledge k;
    std::string body;
    for (auto& p : doc.paragraphs) { body += p.text; body += "\n"; }
    for (auto& t : doc.tables)
        for (auto& r : t.rows) {
            body += r.label;
            for (auto& c : r.cells) if (!c.text.empty()) body += "  " + c.text;
            body += "\n";
        }
    for (auto& n : doc.table_notes) body += n + "\n";
    k.clean_text = body;
    // the document's numbers: everything printed in the body, whether or not it became a fact (the body
    // holds the cover page unless a page range leaves it out: then it only names the company)
    for (auto& t : number_tokens(doc.body_text)) k.doc_numbers.insert(canon_number(t));
    detect_entity(doc, body, &k);
    detect_fiscal_year(doc, &k);

    // sentences
    struct S { std::string text, section; int para; };
    std::vector<S> sents;
    std::vector<std::string> all_sents;
    bool auditor = false;  // in the auditor's report "we" is the audit firm: from its title to "...auditor since 1975."
    for (size_t pi = 0; pi < doc.paragraphs.size(); pi++) {
        const auto& p = doc.paragraphs[pi];
        if (starts_with(p.text, "Report of Independent Registered Public Accounting Firm")) auditor = true;
        if (p.heading) continue;
        for (auto& s : split_sentences(p.text)) {
            k.sentences_total++;
            all_sents.push_back(s);
            int why = 0;
            if (!sentence_ok(s, &why)) { (why == 2 ? k.sentences_boilerplate : k.sentences_short)++; continue; }
            sents.push_back({resolve_pronouns(s, k.name, auditor ? k.name + "'s independent auditor" : ""), p.section, (int)pi});
        }
        if (contains(p.text, "auditor since")) auditor = false;
    }
    std::vector<std::string> naming = all_sents;  // a page range's segments may be listed on other pages
    for (auto& p : doc.outside_paragraphs) for (auto& s : split_sentences(p)) naming.push_back(s);
    k.segments = detect_segments(naming);
    EntityIndex E{{}, &k.entities};
    std::set<std::string> lower_vocab;  // words the document writes in lower case: a capitalised one alone is no name
    for (auto& w : split_words(body)) {
        std::string x;
        for (char ch : w) if (isalpha((unsigned char)ch)) x += ch;
        if (!x.empty() && islower((unsigned char)x[0])) lower_vocab.insert(x);
    }
    std::map<std::string, int> seen_text;  // the same sentence printed twice is one fact
    std::map<int, int> topic_of_para;
    auto new_topic = [&]() { k.topics.push_back({}); return (int)k.topics.size() - 1; };
    for (auto& s : sents) {
        if (seen_text.count(s.text)) continue;
        seen_text[s.text] = 1;
        Fact f;
        f.id = (int)k.facts.size();
        f.kind = FACT_SENTENCE;
        f.text = s.text;
        f.section = s.section;
        if (!topic_of_para.count(s.para)) topic_of_para[s.para] = new_topic();
        f.topic = topic_of_para[s.para];
        for (auto& t : number_tokens(s.text)) f.numbers.push_back(canon_number(t));
        f.mentions = find_mentions(s.text, E, k.segments, k.name, &lower_vocab);
        k.topics[f.topic].push_back(f.id);
        k.facts.push_back(f);
    }
    // table cells
    for (size_t ti = 0; ti < doc.tables.size(); ti++) {
        const Table& t = doc.tables[ti];
        for (size_t ri = 0; ri < t.rows.size(); ri++) {
            const TableRow& r = t.rows[ri];
            int topic = -1;
            for (size_t ci = 0; ci < r.cells.size(); ci++) {
                if (!r.cells[ci].present()) continue;
                Fact f;
                f.id = (int)k.facts.size();
                f.kind = FACT_CELL;
                f.table = (int)ti, f.row = (int)ri, f.col = (int)ci;
                f.section = t.section;
                f.label = r.group.empty() ? r.label : r.label + " (" + r.group + ")";
                std::string period, pshort;
                f.metric = strip_period_from_header(t.columns[ci], &period, &pshort);
                std::string tp = lower(t.period);
                if (!pshort.empty()) {
                    bool as_of = starts_with(tp, "at ") || starts_with(tp, "as of") || contains(lower(t.columns[ci]), "as of") ||
                                 (contains(lower(t.columns[ci]), "december 31") && !contains(lower(t.columns[ci]), "ended"));
                    if (period.size() > 4) f.period = (as_of ? "as of " : "for the period ended ") + period;
                    else if (as_of && !k.fiscal_year_end.empty() && contains(tp, lower(k.fiscal_year_end))) f.period = "as of " + k.fiscal_year_end + ", " + pshort;
                    else f.period = "in " + pshort;
                    if (contains(lower(t.columns[ci]), "year ended") && period.size() > 4) f.period = "for the year ended " + period;
                    f.period_short = pshort;
                }
                f.source = t.title;
                // a table about one segment or region ("Consumer Business (15.5% of consolidated sales)"):
                // its rows say so only through the title, so the label carries it
                for (auto& seg : k.segments)
                    if (contains(t.title, seg) && !contains(f.label, seg) && !contains(f.metric, seg)) { f.label += " of the " + seg + " segment"; break; }
                cell_forms(t, r, (int)ci, k.name, &f);
                if (f.values.empty()) continue;
                // plain statement of the cell: "Cost of sales, Consolidated Statement of Income, 2022: $19,232 million"
                std::string stmt = f.label;
                if (!f.metric.empty()) stmt += " - " + f.metric;
                if (!f.period_short.empty()) stmt += ", " + f.period_short;
                stmt += ": " + f.values[0];
                f.text = stmt;
                for (auto& tk : number_tokens(f.label + " " + f.metric + " " + f.values[0] + " " + f.period)) f.numbers.push_back(canon_number(tk));
                if (f.period_short.empty()) {  // the period may sit in a heading row ("Year ended December 31, 2021")
                    std::string period2, pshort2;
                    strip_period_from_header(r.context, &period2, &pshort2);
                    if (!pshort2.empty()) {
                        f.period_short = pshort2;
                        f.period = period2.size() > 4 ? (contains(lower(r.context), "ended") ? "for the year ended " : "as of ") + period2 : "in " + pshort2;
                        if (!contains(f.label, pshort2)) f.label += " (" + r.context + ")";
                    }
                }
                for (auto& m : find_mentions(r.label + " . " + f.metric, E, k.segments, k.name))
                    if (k.entities[m.entity].type != "term") f.mentions.push_back(m);  // names from headers; their words are not terms
                for (auto& v : {f.period_short}) if (!v.empty()) { int id = E.get(v, "date"); f.mentions.push_back({id, v}); }
                {
                    std::string vname = f.values[0];
                    int id = E.get(vname, f.unit == "percent" ? "percent" : starts_with(f.unit, "usd") || vname.find('$') != std::string::npos ? "money" : "count");
                    f.mentions.push_back({id, vname});
                }
                if (topic < 0) topic = new_topic();
                f.topic = topic;
                k.topics[topic].push_back(f.id);
                k.facts.push_back(f);
            }
        }
    }
    // label-only table lines that carry numbers ("Shares outstanding - December 31, 2022: 549,245,105"),
    // headings that do ("Report of Independent Registered Public Accounting Firm (PCAOB ID 238)"), and the
    // figures of tables that could not be rebuilt, listed in printed order and tied to no row or year
    std::vector<std::string> notes = doc.table_notes;
    for (auto& p : doc.paragraphs) {
        if (!p.heading || split_words(p.text).size() < 4) continue;
        for (auto& t : number_tokens(p.text)) if (!is_year(t)) { notes.push_back(p.text); break; }
    }
    for (auto& sc : doc.unread_tables) {
        const size_t per = 6;
        std::string table = sc.title.empty() ? "A table in " + k.name + "'s annual report" : k.name + "'s table \"" + sc.title + "\"";
        for (size_t a = 0; a < sc.figures.size(); a += per) {
            std::vector<std::string> run(sc.figures.begin() + a, sc.figures.begin() + std::min(sc.figures.size(), a + per));
            const char* where = a == 0 ? "opens with the figures" : a + per >= sc.figures.size() ? "ends with the figures" : "continues with the figures";
            notes.push_back(table + " " + where + " " + join(run, "; ") + ".");
        }
    }
    for (auto& n : notes) {
        std::string s = collapse_spaces(n);
        if (seen_text.count(s)) continue;
        seen_text[s] = 1;
        Fact f;
        f.id = (int)k.facts.size();
        f.kind = FACT_NOTE;
        f.text = s;
        f.topic = new_topic();
        for (auto& t : number_tokens(s)) f.numbers.push_back(canon_number(t));
        f.mentions = find_mentions(s, E, k.segments, k.name);
        k.topics[f.topic].push_back(f.id);
        k.facts.push_back(f);
    }
    for (auto& f : k.facts) {
        std::sort(f.numbers.begin(), f.numbers.end());
        f.numbers.erase(std::unique(f.numbers.begin(), f.numbers.end()), f.numbers.end());
        for (auto& m : f.mentions) { k.entities[m.entity].mentions++; k.entities[m.entity].facts.push_back(f.id); }
    }
    return k;
}

}  // namespace synth
