// page_text.h: what both table readers share (data_prep/layout_parser.h, raw_parser.h): the
// Document they fill (paragraphs, tables, table scraps), printed numeric cells, pdftotext, page
// furniture (running headers, footers, page numbers), the exhibits cut, dehyphenation and headings.
#pragma once
#include <cmath>
#include <map>
#include <set>
#include <sys/wait.h>
#include "data_prep/text.h"
#include "llmc/utils.h"

namespace synth {

struct TableCell {
    std::string text;        // the number as printed, without $ and %: "34,229", "(2,724)", "1.2"
    bool dollar = false, percent = false, dash = false;  // dash: "—" (none/zero), no fact is made of it
    bool present() const { return !text.empty() && !dash; }
};
struct TableRow {
    std::string label, group;  // group: the heading line above the row inside the table ("Operating expenses")
    int block = 0;             // rows of one block sit together, without a blank line or a heading between them
    std::string context;       // the nearest heading above, indented or not ("Year ended December 31, 2021")
    std::vector<TableCell> cells;  // one per column
};
struct Table {
    std::string title, period, scale;  // "Consolidated Statement of Income", "Years ended December 31", "(Millions, except per share amounts)"
    std::vector<std::string> columns;  // header per column, e.g. "2022" or "2022 Net Sales"
    std::vector<TableRow> rows;
    int page = 0;
    std::string section;
};
// A table whose rows could not be rebuilt: its title and its figures as printed, in reading order. Its
// numbers are still the document's, but no figure can be tied to a row or a year.
struct TableScrap {
    std::string title;
    std::vector<std::string> figures;  // "$11,604", "1.0%", "(4.2)"
};
struct Paragraph {
    std::string text;
    int page = 0;
    std::string section;
    bool heading = false;  // a short title line: kept for context, not a fact
};
struct Document {
    std::string path;
    std::string source_text;  // the whole document as plain text (what the expansion ratio divides by)
    std::string body_text;    // the body (before the exhibits) without page furniture, every line, tables included as printed
    std::vector<std::string> cover;  // non-empty lines of the first page, trimmed
    // with a page range: the paragraphs of the other body pages, read only for what names the company's
    // parts (its business segments), as the cover names the company; facts come from the range alone
    std::vector<std::string> outside_paragraphs;
    std::vector<Paragraph> paragraphs;
    std::vector<Table> tables;
    std::vector<std::string> table_notes;  // label-only table lines that carry numbers ("Shares outstanding - December 31, 2022: 549,245,105")
    std::vector<TableScrap> unread_tables;  // tables whose rows could not be rebuilt (also counted in tables_skipped)
    int pages = 0, body_pages = 0, tables_skipped = 0;
    bool layout = false;
};

// ---------------------------------------------------------------------------------------------
// numeric cells

// Parses one printed cell ("$34,229", "(2,724)", "53.8%", "(1.7)%", "—") into a TableCell.
// Returns false when the text is not a number cell.
inline bool parse_cell(std::string s, TableCell* out) {
    TableCell c;
    s = trim(s);
    if (s.empty()) return false;
    if (ends_with(s, "%)")) s = trim(s.substr(0, s.size() - 2)) + ")%";  // "(4.7 %)" is "(4.7)%"
    while (!s.empty() && (s[0] == '$' || s[0] == ' ')) { if (s[0] == '$') c.dollar = true; s.erase(0, 1); }
    while (!s.empty() && (s.back() == '$' || s.back() == ' ')) { if (s.back() == '$') c.dollar = true; s.pop_back(); }
    while (!s.empty() && (s.back() == '%' || s.back() == ' ')) { if (s.back() == '%') c.percent = true; s.pop_back(); }
    if (s.empty()) return false;
    if (s == "\xE2\x80\x94" || s == "-" || s == "--" || s == "\xE2\x80\x94\xE2\x80\x94") { c.dash = true; c.text = s; *out = c; return true; }
    std::string core = s;
    bool paren = false;
    if (core.size() >= 2 && core[0] == '(' && core.back() == ')') { paren = true; core = core.substr(1, core.size() - 2); }
    if (!core.empty() && core[0] == '$') { c.dollar = true; core.erase(0, 1); }
    if (!paren && !core.empty() && core[0] == '-') core.erase(0, 1);
    if (core.empty()) return false;
    int digits = 0;
    for (size_t i = 0; i < core.size(); i++) {
        char ch = core[i];
        if (is_digit(ch)) digits++;
        else if ((ch == ',' || ch == '.') && i + 1 < core.size() && is_digit(core[i + 1]) && (ch == '.' || i > 0)) continue;
        else return false;
    }
    if (!digits) return false;
    c.text = s;
    *out = c;
    return true;
}
inline bool is_year(const std::string& s) {
    return s.size() == 4 && (starts_with(s, "19") || starts_with(s, "20")) && is_digit(s[2]) && is_digit(s[3]);
}

// ---------------------------------------------------------------------------------------------
// loading

inline std::string shell_quote(const std::string& s) { return "'" + replace_all(s, "'", "'\\''") + "'"; }

// pdftotext's text of a PDF, run under `timeout` (LLMC_PDFTOTEXT_TIMEOUT seconds, default 300; the
// 10-K takes about one) so that a PDF on which it hangs ends in an error; its own first error line
// (an encrypted PDF: "Incorrect password") goes into ours
inline std::string run_pdftotext(const std::string& path, bool layout) {
    if (system("command -v pdftotext >/dev/null 2>&1") != 0)
        fatal(EXIT_RUNTIME, "%s is a PDF but pdftotext is not installed (Debian: apt-get install poppler-utils)", path.c_str());
    const char* env = getenv("LLMC_PDFTOTEXT_TIMEOUT");
    long limit = env ? atol(env) : 300;
    if (limit <= 0) fatal(EXIT_USAGE, "LLMC_PDFTOTEXT_TIMEOUT must be a positive number of seconds, got '%s'", env);
    char errpath[] = "/tmp/llmc_pdftotext.XXXXXX";
    int fd = mkstemp(errpath);
    if (fd < 0) fatal(EXIT_RUNTIME, "cannot create a temporary file for pdftotext's messages: %s", strerror(errno));
    close(fd);
    std::string cmd = "timeout " + std::to_string(limit) + " pdftotext " + (layout ? "-layout " : "") + "-enc UTF-8 " + shell_quote(path) + " - 2>" + errpath;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) { unlink(errpath); fatal(EXIT_RUNTIME, "cannot run pdftotext on %s", path.c_str()); }
    std::string out;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = pclose(p);
    std::string said = read_file(errpath);
    unlink(errpath);
    said = said.substr(0, said.find('\n'));
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 124)
        fatal(EXIT_RUNTIME, "pdftotext did not finish on %s within %ld s (LLMC_PDFTOTEXT_TIMEOUT sets the limit)", path.c_str(), limit);
    if (rc != 0 || out.empty())
        fatal(EXIT_RUNTIME, "pdftotext failed on %s: %s", path.c_str(), said.empty() ? "no text (is it a readable PDF?)" : said.c_str());
    return out;
}

// layout text keeps the page's columns: many lines hold runs of spaces between words
inline bool looks_like_layout(const std::string& text) {
    auto lines = split_lines(text);
    size_t nonempty = 0, gapped = 0;
    for (auto& l : lines) {
        std::string t = trim(l);
        if (t.empty()) continue;
        nonempty++;
        if (t.find("    ") != std::string::npos) gapped++;
    }
    return nonempty && gapped * 20 > nonempty;  // default output has next to none
}

// ---------------------------------------------------------------------------------------------
// pages: header/footer removal and the body cut

inline std::string digit_shape(const std::string& s) {
    std::string o;
    for (char c : s) o += is_digit(c) ? '#' : c;
    return o;
}
inline bool is_page_number(const std::string& t) {
    if (t.empty() || t.size() > 12) return false;
    std::string u = lower(t);
    if (starts_with(u, "page ")) u = u.substr(5);
    u = trim(replace_all(u, "-", ""));
    if (u.empty()) return false;
    bool dig = std::all_of(u.begin(), u.end(), [](char c) { return is_digit(c); });
    bool roman = std::all_of(u.begin(), u.end(), [](char c) { return c == 'i' || c == 'v' || c == 'x'; });
    return dig || (roman && u.size() >= 2 && u.size() <= 5);  // a lone "x" is a check mark
}

// Splits on form feeds; drops lines repeated at the top or bottom of many pages (running headers
// such as "Table of Contents", footers) and page numbers.
inline std::vector<std::vector<std::string>> split_pages(const std::string& text) {
    std::vector<std::vector<std::string>> pages;
    size_t a = 0;
    for (size_t i = 0; i <= text.size(); i++)
        if (i == text.size() || text[i] == '\f') {
            pages.push_back(split_lines(text.substr(a, i - a)));
            a = i + 1;
        }
    while (!pages.empty()) {  // trailing empty page after the last form feed
        bool empty = true;
        for (auto& l : pages.back()) if (!trim(l).empty()) { empty = false; break; }
        if (!empty) break;
        pages.pop_back();
    }
    // page numbers: the lone number that runs with the page index (pdftotext's default mode may print it
    // mid-page, between a table's columns), removed wherever it sits on its page
    {
        std::map<int, int> offsets;
        for (size_t i = 0; i < pages.size(); i++)
            for (auto& l : pages[i]) {
                std::string t = trim(l);
                if (!t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), [](char c) { return is_digit(c); })) offsets[(int)i + 1 - atoi(t.c_str())]++;
            }
        int best = 0, off = 0;
        for (auto& kv : offsets) if (kv.second > best) best = kv.second, off = kv.first;
        if (best >= 3 && best * 3 >= (int)pages.size())
            for (size_t i = 0; i < pages.size(); i++) {
                std::string want = std::to_string((int)i + 1 - off);
                for (size_t j = pages[i].size(); j-- > 0;)
                    if (trim(pages[i][j]) == want) { pages[i][j].clear(); break; }
            }
    }
    std::map<std::string, int> edge_count;
    auto edges = [](const std::vector<std::string>& p) {
        std::vector<int> idx;
        for (int i = 0, k = 0; i < (int)p.size() && k < 2; i++) if (!trim(p[i]).empty()) idx.push_back(i), k++;
        for (int i = (int)p.size() - 1, k = 0; i >= 0 && k < 2; i--) if (!trim(p[i]).empty()) idx.push_back(i), k++;
        std::sort(idx.begin(), idx.end());
        idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
        return idx;
    };
    for (auto& p : pages) {
        std::set<std::string> seen;
        for (int i : edges(p)) seen.insert(digit_shape(collapse_spaces(p[i])));
        for (auto& s : seen) edge_count[s]++;
    }
    int min_repeat = std::max(3, (int)pages.size() / 4);
    for (auto& p : pages) {
        for (int i : edges(p)) {
            std::string t = trim(p[i]);
            if (edge_count[digit_shape(collapse_spaces(p[i]))] >= min_repeat || is_page_number(t)) p[i].clear();
        }
    }
    return pages;
}

// Index of the page and line where the exhibits part starts ("PART IV" on its own line, past the
// table of contents); everything from there on is exhibits, signatures and agreements.
inline std::pair<int, int> body_end(const std::vector<std::vector<std::string>>& pages) {
    int np = (int)pages.size();
    for (int p = np - 1; p >= 0; p--) {
        if (p < np / 10) break;  // only a table-of-contents entry: keep everything
        for (int i = 0; i < (int)pages[p].size(); i++) {
            std::string t = trim(pages[p][i]);
            if (t == "PART IV" || t == "Part IV") return {p, i};
        }
    }
    return {np, 0};
}

// ---------------------------------------------------------------------------------------------
// paragraphs

// Joins wrapped lines; "manu-\nfacturing" becomes "manufacturing" unless the hyphenated word also
// appears unbroken with its hyphen elsewhere in the document ("non-qualified").
struct Dehyphenator {
    std::set<std::string> hyphenated;  // lowercase words written with an inner hyphen somewhere
    void learn(const std::string& line) {
        for (auto& w : split_words(line)) {
            std::string x;
            for (char c : w) if (is_alpha(c) || c == '-') x += (char)tolower((unsigned char)c);
            size_t h = x.find('-');
            if (h != std::string::npos && h > 0 && h + 1 < x.size()) hyphenated.insert(x);
        }
    }
    std::string join(const std::vector<std::string>& lines) const {
        std::string out;
        for (auto& raw : lines) {
            std::string l = trim(raw);
            if (l.empty()) continue;
            if (out.empty()) { out = l; continue; }
            if (out.back() == '-' && out.size() >= 2 && is_alpha(out[out.size() - 2]) && islower((unsigned char)l[0])) {
                size_t ws = out.find_last_of(' ');
                std::string head = out.substr(ws == std::string::npos ? 0 : ws + 1);
                std::string tail = l.substr(0, l.find(' '));
                std::string cand;
                for (char c : head + tail) if (is_alpha(c) || c == '-') cand += (char)tolower((unsigned char)c);
                while (!cand.empty() && cand.back() == '-') cand.pop_back();
                if (hyphenated.count(cand)) out += l;       // keep the hyphen: a real compound
                else { out.pop_back(); out += l; }           // a line-break hyphen
            } else {
                out += ' ';
                out += l;
            }
        }
        return collapse_spaces(out);
    }
};

inline std::string strip_bullet(const std::string& l) {
    std::string t = trim(l);
    static const char* bullets[] = {"\xE2\x80\xA2", "\xE2\x97\x8F", "\xC2\xB7", "\xE2\x96\xAA", "o "};
    for (auto b : bullets)
        if (starts_with(t, b) && t.size() > strlen(b) + 1) return trim(t.substr(strlen(b)));
    return t;
}

inline bool is_section_heading(const std::string& t, std::string* name) {
    std::string u = lower(t);
    if ((starts_with(u, "item ") || starts_with(u, "note ")) && t.size() < 120) {
        size_t k = 5;
        while (k < t.size() && (isalnum((unsigned char)t[k]))) k++;
        if (k > 5 && k < t.size() && (t[k] == '.' || t[k] == ' ')) { *name = collapse_spaces(t); return true; }
    }
    return false;
}

// appends paragraph text p of page to doc: a section heading names *section for what follows, and a
// short line without a full stop is a heading too
inline void add_paragraph(Document* doc, const std::string& p, int page, std::string* section) {
    Paragraph para;
    para.text = p;
    para.page = page;
    std::string name;
    if (is_section_heading(p, &name)) *section = name, para.heading = true;
    else if (p.size() < 80 && !ends_with(p, ".")) para.heading = true;
    para.section = *section;
    doc->paragraphs.push_back(para);
}

}  // namespace synth
