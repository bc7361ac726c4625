// document.h: load a document (plain text, or PDF through poppler's `pdftotext -layout`) and clean it
// into paragraphs and rebuilt tables: page headers/footers and page numbers dropped, hyphenation
// undone, exhibits after "PART IV" cut off, and tables turned back into rows (label, one value per
// column, column headers, the table's title and scale such as "(Millions)").
// Two table readers: layout text (-layout, what a PDF gives here; columns found by character position)
// and pdftotext's default output (one cell per line; rows rebuilt from the order of label and value
// blocks, conservatively: a table whose blocks do not line up is skipped, never guessed).
// Usage: synth::Document d = synth::load_document("10K.pdf"); d.paragraphs, d.tables.
#pragma once
#include <cmath>
#include <map>
#include <set>
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

inline std::string run_pdftotext(const std::string& path, bool layout) {
    if (system("command -v pdftotext >/dev/null 2>&1") != 0)
        fatal(EXIT_RUNTIME, "%s is a PDF but pdftotext is not installed (Debian: apt-get install poppler-utils)", path.c_str());
    std::string cmd = std::string("pdftotext ") + (layout ? "-layout " : "") + "-enc UTF-8 " + shell_quote(path) + " - 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) fatal(EXIT_RUNTIME, "cannot run pdftotext on %s", path.c_str());
    std::string out;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = pclose(p);
    if (rc != 0 || out.empty()) fatal(EXIT_RUNTIME, "pdftotext failed on %s (is it a readable PDF?)", path.c_str());
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

// ---------------------------------------------------------------------------------------------
// layout tables: columns by character position

struct Atom { std::string text; int start, end; };
struct Chunk { std::string text; int start, end; };

inline std::vector<Atom> atoms_of(const std::string& line) {
    std::vector<Atom> out;
    int col = 0;
    size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ') { i++; col++; continue; }
        size_t a = i;
        int c0 = col;
        while (i < line.size() && line[i] != ' ') {
            if (((unsigned char)line[i] & 0xC0) != 0x80) col++;
            i++;
        }
        out.push_back({line.substr(a, i - a), c0, col});
    }
    return out;
}
// chunks: atoms glued by single spaces; two or more spaces separate chunks
inline std::vector<Chunk> chunks_of(const std::vector<Atom>& atoms) {
    std::vector<Chunk> out;
    for (auto& a : atoms) {
        if (!out.empty() && a.start - out.back().end <= 1) { out.back().text += " " + a.text; out.back().end = a.end; }
        else out.push_back({a.text, a.start, a.end});
    }
    return out;
}

struct LCell { TableCell cell; int start, end, anchor; };
struct LLine {
    enum Kind { BLANK, NUMROW, TEXT } kind = BLANK;
    std::string text;            // trimmed
    std::vector<Chunk> chunks;
    std::string label;           // NUMROW: the row label (may be empty)
    int label_start = 0;
    std::vector<LCell> cells;    // NUMROW: value cells
    int first_value_col = 0;
};

inline bool is_na(const std::string& a) { return a == "N/A" || a == "n/a" || a == "NM" || a == "nm" || a == "*"; }
inline bool atom_is_value(const std::string& a) {
    TableCell c;
    return a == "$" || a == "%" || is_na(a) || parse_cell(a, &c);
}

// "(51.4 %)" -> "(51.4)% ": a parenthesised percent printed with a space inside reads as one value;
// the width is kept, and so is the column of the last digit that anchors the cell
inline std::string glue_paren_percent(const std::string& raw) {
    std::string o = raw;
    for (size_t p = 1; (p = o.find(" %)", p)) != std::string::npos; p++)
        if (is_digit(o[p - 1])) o.replace(p, 3, ")% ");
    return o;
}

inline LLine classify_layout_line(const std::string& raw_in) {
    LLine L;
    std::string raw = glue_paren_percent(raw_in);
    L.text = trim(raw);
    if (L.text.empty()) return L;
    auto atoms = atoms_of(raw);
    L.chunks = chunks_of(atoms);
    L.kind = LLine::TEXT;
    // label = leading chunks holding a word (or the first chunk when it sits at the left margin, e.g. a year label);
    // values = all chunks after it, which must be numbers, "$", "%" or dashes only
    size_t first_val = 0;
    for (size_t c = 0; c < L.chunks.size(); c++) {
        auto ca = atoms_of(std::string(L.chunks[c].start, ' ') + L.chunks[c].text);
        bool all_val = !ca.empty();
        for (auto& a : ca) if (!atom_is_value(a.text)) { all_val = false; break; }
        if (c == 0 && L.chunks[c].start < 12 && all_val && L.chunks.size() > 1) { first_val = 1; continue; }
        if (!all_val) first_val = c + 1;
    }
    if (first_val >= L.chunks.size()) return L;
    std::vector<LCell> cells;
    bool pending_dollar = false;
    for (auto& a : atoms) {
        if (a.start < L.chunks[first_val].start) continue;
        if (a.text == "$") { pending_dollar = true; continue; }
        if (a.text == "%") { if (!cells.empty()) cells.back().cell.percent = true; continue; }
        TableCell c;
        if (is_na(a.text)) { c.text = a.text; c.dash = true; }  // "not applicable": holds a column, states nothing
        else if (!parse_cell(a.text, &c)) return L;
        if (pending_dollar) c.dollar = true;
        pending_dollar = false;
        int anchor = a.end;
        {   // anchor: the column after the last digit (numbers are right-aligned; ")" and "%" hang out)
            int back = 0;
            for (size_t k = a.text.size(); k > 0 && !is_digit(a.text[k - 1]) && !(c.dash); k--) back++;
            anchor = a.end - back;
        }
        cells.push_back({c, a.start, a.end, anchor});
    }
    bool any_number = false, all_years = true;
    for (auto& c : cells) {
        if (!c.cell.dash) any_number = true;
        if (!is_year(c.cell.text) || c.cell.dollar || c.cell.percent) all_years = false;
    }
    if (!any_number && cells.size() < 2) return L;
    if (all_years) return L;  // "2022   2021   2020": a header line, not a row
    L.kind = LLine::NUMROW;
    L.cells = cells;
    std::vector<std::string> lab;
    for (size_t c = 0; c < first_val; c++) lab.push_back(L.chunks[c].text);
    L.label = collapse_spaces(join(lab, " "));
    L.label_start = first_val ? L.chunks[0].start : 0;
    L.first_value_col = L.chunks[first_val].start;
    return L;
}

inline bool is_prose_line(const LLine& L) {
    if (L.kind != LLine::TEXT) return false;
    std::string t = strip_bullet(L.text);
    auto ch = chunks_of(atoms_of(t));
    int words = (int)split_words(t).size();
    if (ch.size() == 1 && (display_width(t) >= 70 || (words >= 9 && (ends_with(t, ".") || ends_with(t, ":")))))
        return true;
    return false;
}

struct LayoutParser {
    Dehyphenator* dh;
    Document* doc;
    std::string section;

    // Builds one table from lines [h0, r1): header lines [h0, r0), rows [r0, r1)
    void build_table(const std::vector<LLine>& lines, int h0, int r0, int r1, const std::vector<std::string>& above, int page) {
        Table t;
        t.page = page;
        t.section = section;
        // columns: the widest row fixes their number; rows that wide give each column its position
        // (mean digit anchor), narrower rows are aligned to those positions in order (a monotone
        // matching by dynamic programming), so a right-aligned column that drifts a few characters
        // from row to row still reads as one column
        int ncols = 0, label_limit = 1 << 30;
        for (int i = r0; i < r1; i++)
            if (lines[i].kind == LLine::NUMROW) {
                ncols = std::max(ncols, (int)lines[i].cells.size());
                label_limit = std::min(label_limit, lines[i].first_value_col);
            }
        if (ncols == 0) return;
        if (ncols > 16) { doc->tables_skipped++; return; }
        std::vector<double> center(ncols, 0);
        {
            std::vector<int> cnt(ncols, 0);
            for (int i = r0; i < r1; i++)
                if (lines[i].kind == LLine::NUMROW && (int)lines[i].cells.size() == ncols)
                    for (int k = 0; k < ncols; k++) center[k] += lines[i].cells[k].anchor, cnt[k]++;
            for (int k = 0; k < ncols; k++) center[k] /= std::max(1, cnt[k]);
        }
        double min_gap = 1e9;
        for (int k = 1; k < ncols; k++) min_gap = std::min(min_gap, center[k] - center[k - 1]);
        // assign[i][c] = column of cell c of line i (-1: unplaced)
        auto align = [&](const std::vector<LCell>& cells) {
            int m = (int)cells.size();
            std::vector<int> out(m, -1);
            if (m == ncols) { for (int c = 0; c < m; c++) out[c] = c; return out; }
            // dp[c][k]: best cost placing cells 0..c-1 into columns 0..k-1, cell c-1 in a column < k
            const double INF = 1e18;
            std::vector<std::vector<double>> dp(m + 1, std::vector<double>(ncols + 1, INF));
            std::vector<std::vector<int>> take(m + 1, std::vector<int>(ncols + 1, 0));
            for (int k = 0; k <= ncols; k++) dp[0][k] = 0;
            for (int c = 1; c <= m; c++)
                for (int k = 1; k <= ncols; k++) {
                    double skip = dp[c][k - 1];
                    double use = dp[c - 1][k - 1] + std::fabs(cells[c - 1].anchor - center[k - 1]);
                    if (use <= skip) dp[c][k] = use, take[c][k] = 1;
                    else dp[c][k] = skip;
                }
            for (int c = m, k = ncols; c > 0 && k > 0;) {
                if (take[c][k]) { out[c - 1] = k - 1; c--; k--; }
                else k--;
            }
            for (int c = 0; c < m; c++)  // a cell far from its column is not trusted
                if (out[c] >= 0 && ncols > 1 && std::fabs(cells[c].anchor - center[out[c]]) > std::max(3.0, min_gap / 2 - 1)) out[c] = -2;
            return out;
        };
        std::vector<int> colmin(ncols, 1 << 30), colmax(ncols, 0);
        for (int i = r0; i < r1; i++)
            if (lines[i].kind == LLine::NUMROW) {
                auto as = align(lines[i].cells);
                for (size_t c = 0; c < as.size(); c++)
                    if (as[c] >= 0) colmin[as[c]] = std::min(colmin[as[c]], lines[i].cells[c].start), colmax[as[c]] = std::max(colmax[as[c]], lines[i].cells[c].end);
            }
        for (int k = 0; k < ncols; k++) if (colmin[k] > colmax[k]) colmin[k] = colmax[k] = (int)center[k];
        // header lines: chunks right of the label area name the columns, chunks inside it give title/scale/period
        // Header lines are read bottom-up. The line nearest the numbers names the columns (in order when
        // it has one chunk per column); a chunk of a line above sits either on exactly one chunk below
        // (a wrapped header: same columns) or over several (a group header such as a year: their
        // columns); a chunk above nothing takes the columns nearest its centre.
        std::vector<std::string> colhead(ncols);
        std::vector<std::string> label_area;
        struct HC { Chunk c; std::vector<int> cols; };
        std::vector<HC> below;
        std::vector<int> run_of(ncols, -1);
        auto overlaps = [](const Chunk& a, int lo, int hi, int slack) { return std::min(a.end, hi + slack) - std::max(a.start, lo - slack) > 0; };
        auto ccenter = [](const Chunk& c) { return (c.start + c.end) / 2.0; };
        auto kcenter = [&](int k) { return (colmin[k] + colmax[k]) / 2.0; };
        for (int i = r0 - 1; i >= h0; i--) {
            if (lines[i].kind == LLine::BLANK) continue;
            std::vector<Chunk> ch;
            std::vector<std::string> la;
            for (auto& c : lines[i].chunks) {
                if (c.start < 12 && c.start < label_limit - 1 && c.end < colmin[0]) la.push_back(c.text);  // the left margin
                else ch.push_back(c);
            }
            label_area.insert(label_area.begin(), la.begin(), la.end());
            if (ch.empty()) continue;
            std::vector<HC> cur;
            for (auto& c : ch) cur.push_back({c, {}});
            auto voronoi = [&](const std::vector<int>& which, const std::vector<int>& free_cols) {
                for (int k : free_cols) {
                    int best = -1;
                    double bd = 1e18;
                    for (int j : which) { double d = std::fabs(ccenter(cur[j].c) - kcenter(k)); if (d < bd) bd = d, best = j; }
                    if (best >= 0) cur[best].cols.push_back(k);
                }
            };
            std::vector<int> all(ncols);
            for (int k = 0; k < ncols; k++) all[k] = k;
            if (below.empty()) {
                if ((int)cur.size() == ncols) for (int k = 0; k < ncols; k++) cur[k].cols = {k};
                else if (cur.size() == 1) cur[0].cols = all;
                else {
                    std::vector<int> js(cur.size());
                    for (size_t j = 0; j < cur.size(); j++) js[j] = (int)j;
                    voronoi(js, all);
                }
            } else {
                std::vector<int> unresolved;
                std::vector<int> claimed(ncols, 0);
                for (size_t j = 0; j < cur.size(); j++) {
                    std::vector<int> hits;
                    for (size_t b = 0; b < below.size(); b++) if (overlaps(cur[j].c, below[b].c.start, below[b].c.end, 1)) hits.push_back((int)b);
                    if (hits.empty()) { unresolved.push_back((int)j); continue; }
                    for (int b : hits) for (int k : below[b].cols) cur[j].cols.push_back(k);
                    std::sort(cur[j].cols.begin(), cur[j].cols.end());
                    cur[j].cols.erase(std::unique(cur[j].cols.begin(), cur[j].cols.end()), cur[j].cols.end());
                    if (hits.size() > 1 || below[hits[0]].cols.size() > 1) {
                        // a group chunk over a single column-chunk below may still be wider: keep the overlap
                    }
                    for (int k : cur[j].cols) claimed[k] = 1;
                }
                std::vector<int> free_cols;
                for (int k = 0; k < ncols; k++) if (!claimed[k]) free_cols.push_back(k);
                if (!unresolved.empty()) {
                    // free columns go to the nearest chunk of the line, resolved ones included
                    std::vector<int> every(cur.size());
                    for (size_t j = 0; j < cur.size(); j++) every[j] = (int)j;
                    voronoi(every, free_cols);
                }
                if (cur.size() == 1) {  // a lone dated line ("Year ended December 31, 2022") heads every column
                    std::string u = lower(cur[0].c.text);
                    bool dated = contains(u, "year ended") || contains(u, "years ended") || contains(u, "december 31");
                    for (auto& w : number_tokens(cur[0].c.text)) if (is_year(w)) dated = true;
                    if (dated && cur[0].c.end - cur[0].c.start >= 12) cur[0].cols = all;
                }
            }
            if (below.empty()) {
                // runs of columns headed by distinct years ("2022 2021 2020 2022 2021 2020"): a header
                // above any column of a run heads the whole run
                run_of.assign(ncols, -1);
                int run = -1;
                std::set<std::string> seen;
                for (int k = 0; k < ncols; k++) {
                    std::string h = trim(colhead[k].empty() ? "" : colhead[k]);
                    for (auto& hc : cur) if (std::find(hc.cols.begin(), hc.cols.end(), k) != hc.cols.end()) h = hc.c.text;
                    if (!is_year(h)) { seen.clear(); run = -1; continue; }
                    if (run < 0 || seen.count(h)) { run = k; seen.clear(); }
                    seen.insert(h);
                    run_of[k] = run;
                }
            } else if (cur.size() < (size_t)ncols) {
                for (auto& h : cur) {
                    std::set<int> ext(h.cols.begin(), h.cols.end());
                    for (int k : h.cols) if (run_of[k] >= 0) for (int q = 0; q < ncols; q++) if (run_of[q] == run_of[k]) ext.insert(q);
                    h.cols.assign(ext.begin(), ext.end());
                }
            }
            for (auto& h : cur)
                for (int k : h.cols) colhead[k] = h.c.text + (colhead[k].empty() ? "" : " " + colhead[k]);
            below = cur;
        }
        for (auto& h : colhead) h = collapse_spaces(h);
        t.columns = colhead;
        // title, period and scale from the label-area header text and the short lines above the table
        std::vector<std::string> meta = above;
        for (auto& s : label_area) meta.push_back(s);
        for (auto& m0 : meta) {
            std::string m = trim(m0), u = lower(m);
            if (m.empty()) continue;
            if (contains(u, "million") || contains(u, "thousand") || contains(u, "billion") || starts_with(u, "(percent") || starts_with(u, "(dollars")) {
                t.scale = m;
                continue;
            }
            if (starts_with(u, "year ended") || starts_with(u, "years ended") || starts_with(u, "at december") ||
                starts_with(u, "as of ") || starts_with(u, "for the year")) { t.period = m; continue; }
            if (contains(u, "and subsidiaries")) continue;
            t.title = m;  // the nearest remaining line wins
        }
        while (!t.title.empty() && (t.title.back() == ':' || t.title.back() == ' ')) t.title.pop_back();
        {   // a title taken from a lead-in sentence: keep its last sentence, and only if it starts like one
            size_t dot = t.title.rfind(". ");
            if (dot != std::string::npos) t.title = t.title.substr(dot + 2);
            if (!t.title.empty() && !isupper((unsigned char)t.title[0]) && !is_digit(t.title[0])) t.title.clear();
            if (is_year(t.title)) t.title.clear();
        }
        for (auto& h : t.columns)  // numbers or "$" in a column header: text cells read as headers, an untrustworthy grid
            for (size_t q = 0; q < h.size(); q++)
                if (h[q] == '$' || (h[q] == '(' && q + 1 < h.size() && is_digit(h[q + 1]))) { doc->tables_skipped++; return; }
        // rows
        std::vector<std::string> pending;
        std::vector<int> pending_indent;
        std::string group;
        int group_indent = -1, block = 0, parent_indent = -1;
        std::string parent_label;
        for (int i = r0; i < r1; i++) {
            const LLine& L = lines[i];
            if (L.kind == LLine::BLANK) { block++; continue; }
            if (L.kind == LLine::TEXT) {
                std::string s = collapse_spaces(L.text);
                bool has_digit = std::any_of(s.begin(), s.end(), [](char c) { return is_digit(c); });
                if (has_digit && L.chunks.size() == 1 && s.size() > 12) doc->table_notes.push_back(s);
                if (!pending.empty() && islower((unsigned char)s[0])) pending.back() += " " + s;  // a wrapped heading
                else pending.push_back(s), pending_indent.push_back(L.chunks[0].start);
                block++;
                continue;
            }
            std::string label = L.label;
            // wrapped labels: lines continue the row label while the row's text starts in lower case
            int indent = L.label.empty() ? 0 : L.label_start;
            while (!pending.empty() && (label.empty() || islower((unsigned char)label[0]) || label[0] == '(')) {
                label = trim(pending.back() + " " + label);
                indent = pending_indent.back();
                pending.pop_back();
                pending_indent.pop_back();
            }
            if (!pending.empty()) { group = pending.back(); group_indent = pending_indent.back(); pending.clear(); pending_indent.clear(); }
            // a heading names the rows indented under it only
            std::string row_group = indent > group_indent && group_indent >= 0 ? group : "";
            if (group_indent >= 0 && indent <= group_indent) group.clear(), group_indent = -1;  // back out of the heading
            while (!group.empty() && (group.back() == ':' || group.back() == ' ')) group.pop_back();
            if (label.empty()) continue;  // values without a label: cannot be attributed
            // a row indented under a row with values qualifies it ("Percent change" under "Operating income")
            if (row_group.empty() && parent_indent >= 0 && indent > parent_indent) row_group = parent_label;
            else parent_label = label, parent_indent = indent;
            TableRow row;
            row.label = label;
            row.group = row_group;
            row.context = group;
            row.block = block;
            row.cells.assign(ncols, TableCell());
            auto as = align(L.cells);
            bool bad = false;
            for (size_t c = 0; c < as.size(); c++) {
                if (as[c] < 0) { bad = true; continue; }
                row.cells[as[c]] = L.cells[c].cell;
            }
            if (bad) continue;  // a value that fits no column: the row is not trustworthy
            t.rows.push_back(row);
        }
        if (t.rows.empty()) return;
        // a "%" printed on one cell of a block of rows holds for the block's other cells in that column:
        // tables print it on the first and the total row only. ("$" is not spread: a "$" on an
        // earnings-per-share row says nothing about the share count above it.)
        for (int k = 0; k < ncols; k++)
            for (size_t a = 0; a < t.rows.size();) {
                size_t b = a;
                while (b < t.rows.size() && t.rows[b].block == t.rows[a].block) b++;
                bool any_pct = false, any_dollar = false;
                for (size_t r = a; r < b; r++) {
                    if (t.rows[r].cells[k].percent) any_pct = true;
                    if (t.rows[r].cells[k].dollar) any_dollar = true;
                }
                if (any_pct && !any_dollar)
                    for (size_t r = a; r < b; r++)
                        if (t.rows[r].cells[k].present()) t.rows[r].cells[k].percent = true;
                a = b;
            }
        // a table of contents (page numbers that only grow) is navigation, not knowledge
        {
            bool toc = t.rows.size() >= 4 && ncols == 1;
            long prev = -1;
            for (auto& r : t.rows) {
                const auto& c = r.cells[0];
                if (!c.present() || c.dollar || c.percent || c.text.find_first_not_of("0123456789") != std::string::npos) { toc = false; break; }
                long v = atol(c.text.c_str());
                if (v < prev || v > 999) { toc = false; break; }
                prev = v;
            }
            for (auto& h : t.columns) if (contains(lower(h), "page")) toc = true;
            if (toc) return;
        }
        bool headless = true;
        for (auto& h : t.columns) if (!h.empty()) headless = false;
        if (headless) {
            // the rest of a table broken by a page or a long label: take the headers of the table before
            // it when that one has as many columns and sits on this or the previous page
            if (doc->tables.empty()) { doc->tables_skipped++; return; }
            const Table& prev = doc->tables.back();
            if (prev.columns.size() != t.columns.size() || page - prev.page > 1) { doc->tables_skipped++; return; }
            t.columns = prev.columns;
            if (t.title.empty()) t.title = prev.title;
            if (t.scale.empty()) t.scale = prev.scale;
            if (t.period.empty()) t.period = prev.period;
        }
        doc->tables.push_back(t);
    }

    void parse_page(const std::vector<std::string>& raw, int page) {
        std::vector<LLine> lines;
        for (auto& r : raw) lines.push_back(classify_layout_line(r));
        int n = (int)lines.size();
        std::vector<int> used(n, 0);  // 1: part of a table
        int i = 0;
        while (i < n) {
            if (lines[i].kind != LLine::NUMROW) { i++; continue; }
            // header block above the first row
            int h0 = i;
            int blanks = 0;
            for (int j = i - 1; j >= 0 && i - j <= 8; j--) {
                if (used[j]) break;
                if (lines[j].kind == LLine::BLANK) { if (++blanks >= 2) break; continue; }
                if (lines[j].kind != LLine::TEXT || is_prose_line(lines[j])) break;
                if (lines[j].chunks.size() == 1 && ends_with(lines[j].text, ".")) break;  // the end of a paragraph
                blanks = 0;
                h0 = j;
            }
            // header lines are the ones right of the label area or carrying years; the rest of the block
            // (title lines at the left margin) is metadata
            // rows: extend over numeric rows, label-only lines and short gaps
            int r1 = i, j = i, gap = 0;
            while (j < n) {
                const LLine& L = lines[j];
                if (L.kind == LLine::NUMROW) { r1 = j + 1; gap = 0; j++; continue; }
                if (L.kind == LLine::BLANK) { if (++gap > 3) break; j++; continue; }
                if (is_prose_line(L) && (ends_with(L.text, ".") || display_width(L.text) > 120)) break;
                // a line far to the right after rows starts a new header block: a new table
                if (L.chunks.front().start > 30 || L.chunks.size() > 2) break;
                j++;
            }
            // the table's own rows start at the first line below the header block that is a row or a label line
            int r0 = i;
            while (r0 > h0) {
                const LLine& L = lines[r0 - 1];
                if (L.kind == LLine::TEXT && L.chunks.size() == 1 && L.chunks[0].start < 30 && !is_prose_line(L) &&
                    !(L.text.size() && L.text[0] == '(') && !is_year(L.text) && L.chunks[0].end < lines[i].first_value_col - 2) {
                    // a left-margin label directly above the first row (e.g. "Operating expenses" or a wrapped label)
                    // belongs to the rows only if nothing of the header follows it
                    bool header_below = false;
                    for (int k = r0; k < i; k++)
                        if (lines[k].kind == LLine::TEXT && (lines[k].chunks.size() > 1 || lines[k].chunks[0].start >= 30)) header_below = true;
                    if (header_below) break;
                    r0--;
                } else break;
            }
            std::vector<std::string> above;
            for (int k = h0; k < r0; k++)
                if (lines[k].kind == LLine::TEXT && lines[k].chunks.size() >= 1 && lines[k].chunks[0].start < lines[i].first_value_col - 2)
                    above.push_back(lines[k].chunks[0].text);
            {   // up to four short lines above the header block: the table's title
                std::vector<std::string> pre;
                int seen = 0;
                for (int k = h0 - 1; k >= 0 && seen < 4; k--) {
                    if (used[k]) break;
                    if (lines[k].kind == LLine::BLANK) continue;
                    seen++;
                    if (lines[k].kind != LLine::TEXT || lines[k].chunks.size() != 1) break;
                    std::string s = trim(lines[k].text);
                    if ((is_prose_line(lines[k]) || ends_with(s, ".")) && !ends_with(s, ":")) break;
                    pre.insert(pre.begin(), s);
                    if (ends_with(s, ":")) break;
                }
                above.insert(above.begin(), pre.begin(), pre.end());
            }
            build_table(lines, h0, r0, r1, above, page);
            for (int k = h0; k < r1; k++) used[k] = 1;
            i = std::max(r1, i + 1);
        }
        // paragraphs from the lines not in tables; lines split into several wide-gapped chunks are
        // text tables or page furniture, not prose
        std::vector<std::string> buf;
        auto flush = [&]() {
            if (buf.empty()) return;
            std::string p = dh->join(buf);
            buf.clear();
            if (p.empty()) return;
            Paragraph para;
            para.text = p;
            para.page = page;
            std::string name;
            if (is_section_heading(p, &name)) section = name, para.heading = true;
            else if (p.size() < 80 && !ends_with(p, ".")) para.heading = true;
            para.section = section;
            doc->paragraphs.push_back(para);
        };
        for (int k = 0; k < n; k++) {
            if (used[k] || lines[k].kind == LLine::BLANK) { flush(); continue; }
            std::string t = strip_bullet(lines[k].text);
            auto ch = chunks_of(atoms_of(t));
            if (ch.size() > 1 && !(ch.size() == 2 && ch[0].text.size() <= 3)) { flush(); continue; }  // gridded
            if (t != trim(lines[k].text)) flush();  // a bullet starts a new paragraph
            if (lines[k].kind == LLine::NUMROW) { flush(); continue; }
            buf.push_back(t);
        }
        flush();
    }
};

// ---------------------------------------------------------------------------------------------
// default pdftotext output: one cell per line

struct RawParser {
    Dehyphenator* dh;
    Document* doc;
    std::string section;

    enum Kind { BLANK, VALUE, MARK, YEAR, LABEL, PROSE };
    struct RLine { Kind kind; std::string text; TableCell cell; };

    static RLine classify(const std::string& raw, bool prev_prose) {
        RLine r;
        r.text = trim(raw);
        if (r.text.empty()) { r.kind = BLANK; return r; }
        if (r.text == "$" || r.text == "%" || r.text == "$ $") { r.kind = MARK; return r; }
        if (is_year(r.text)) { r.kind = YEAR; return r; }
        TableCell c;
        std::string t = r.text;
        if (parse_cell(t, &c)) { r.kind = VALUE; r.cell = c; return r; }
        int w = display_width(r.text);
        if (w > 110 || (prev_prose && !r.text.empty())) { r.kind = PROSE; return r; }
        if (w > 60 && ends_with(r.text, ".")) { r.kind = PROSE; return r; }
        r.kind = LABEL;
        return r;
    }

    // Rebuilds one region (a page's table part) or gives up. Returns true when rows were added.
    bool rebuild(const std::vector<RLine>& L, int page, const std::vector<std::string>& meta) {
        std::vector<std::string> years;
        for (auto& l : L) if (l.kind == YEAR && std::find(years.begin(), years.end(), l.text) == years.end()) years.push_back(l.text);
        // pdftotext's default output may print the header years out of their visual order ("2021", "2022",
        // later "2020"); the values come in visual order. Statements put the latest year first, so a
        // short run of years is taken in descending order; a long ascending run is a schedule
        // (2023 ... 2027) and kept as printed.
        {
            bool ascending_run = years.size() >= 4;
            for (size_t i = 1; i < years.size(); i++) if (atoi(years[i].c_str()) != atoi(years[i - 1].c_str()) + 1) ascending_run = false;
            if (!ascending_run) std::sort(years.begin(), years.end(), [](const std::string& a, const std::string& b) { return a > b; });
        }
        int ncols = (int)years.size();
        std::vector<std::vector<std::string>> lgroups;
        std::vector<std::vector<TableCell>> vgroups;
        Kind last = BLANK;
        std::map<std::string, int> label_count;
        for (auto& l : L) if (l.kind == LABEL) label_count[l.text]++;
        for (auto& kv : label_count) {  // a short label printed twice is a column header ("Carrying Value"), not a row
            std::string u = lower(kv.first);
            bool generic_row = starts_with(u, "other") || starts_with(u, "total") || contains(u, " net") || contains(u, "net ");
            if (kv.second > 1 && split_words(kv.first).size() <= 3 && !generic_row) return false;
        }
        for (auto& l : L) {
            if (l.kind == LABEL && l.text[0] == '(' && l.text.back() == ')') continue;  // "(Millions)": the scale, not a row
            if (l.kind == LABEL) {
                if (last == LABEL && !lgroups.back().empty() && islower((unsigned char)l.text[0])) {
                    lgroups.back().back() += " " + l.text;  // a wrapped label ("... provided by operating" / "activities")
                    continue;
                }
                if (last != LABEL) lgroups.push_back({});
                lgroups.back().push_back(l.text);
            } else if (l.kind == VALUE) {
                if (last != VALUE) vgroups.push_back({});
                vgroups.back().push_back(l.cell);
            } else if (l.kind == MARK) {
                continue;  // "$" lines sit between blocks: they neither split nor join
            }
            last = l.kind;
        }
        size_t nvals = 0;
        for (auto& g : vgroups) nvals += g.size();
        if (ncols < 1 || vgroups.empty() || lgroups.empty() || nvals % ncols) return false;
        // value blocks: ncols groups of one size s (one group per column), or one group of s*ncols
        struct Block { int s; std::vector<std::vector<TableCell>> cols; };
        std::vector<Block> blocks;
        for (size_t g = 0; g < vgroups.size();) {
            size_t s = vgroups[g].size();
            bool run = g + ncols <= vgroups.size();
            for (int c = 0; run && c < ncols; c++) if (vgroups[g + c].size() != s) run = false;
            Block b;
            if (run && ncols > 1) {
                b.s = (int)s;
                for (int c = 0; c < ncols; c++) b.cols.push_back(vgroups[g + c]);
                g += ncols;
            } else if (s % ncols == 0) {
                b.s = (int)(s / ncols);
                for (int c = 0; c < ncols; c++) b.cols.push_back(std::vector<TableCell>(vgroups[g].begin() + c * b.s, vgroups[g].begin() + (c + 1) * b.s));
                g += 1;
            } else return false;
            blocks.push_back(b);
        }
        // labels, flattened, remembering where each label group starts
        struct Lab { std::string text; int group; bool group_start; int group_left; };
        std::vector<Lab> labs;
        for (int g = 0; g < (int)lgroups.size(); g++)
            for (int k = 0; k < (int)lgroups[g].size(); k++)
                labs.push_back({lgroups[g][k], g, k == 0, (int)lgroups[g].size() - k});
        Table t;
        t.page = page;
        t.section = section;
        t.columns = years;
        for (auto& m0 : meta) {
            std::string m = trim(m0), u = lower(m);
            if (contains(u, "million") || contains(u, "thousand") || contains(u, "billion") || starts_with(u, "(dollars")) t.scale = m;
            else if (starts_with(u, "years ended") || starts_with(u, "year ended") || starts_with(u, "at december")) t.period = m;
            else if (!contains(u, "and subsidiaries") && t.title.empty()) t.title = m;
        }
        size_t li = 0;
        std::string group;
        int group_id = -1;
        for (auto& b : blocks) {
            // headings: a line ending in ":" or the first line of a label group one longer than the block.
            // Only a ":" heading names the rows after it (and only inside its own label group): without
            // indentation a plain heading's reach is unknown.
            while (li < labs.size() && (ends_with(labs[li].text, ":") || (labs[li].group_start && labs[li].group_left == b.s + 1))) {
                if (ends_with(labs[li].text, ":")) group = labs[li].text, group_id = labs[li].group;
                li++;
            }
            if (li < labs.size() && labs[li].group != group_id) group.clear();
            if (li + b.s > labs.size()) return false;
            if (labs[li].group != labs[li + b.s - 1].group) return false;  // a block never spans two label groups
            for (int r = 0; r < b.s; r++) {
                TableRow row;
                row.label = labs[li + r].text;
                row.context = group;  // without indentation a heading's reach is unknown: context only, never part of the label
                for (int c = 0; c < ncols; c++) row.cells.push_back(b.cols[c][r]);
                t.rows.push_back(row);
            }
            li += b.s;
        }
        for (; li < labs.size(); li++) if (!ends_with(labs[li].text, ":")) return false;  // labels left without values: misaligned
        if (t.rows.empty()) return false;
        doc->tables.push_back(t);
        return true;
    }

    void parse_page(const std::vector<std::string>& raw, int page) {
        std::vector<RLine> L;
        bool prev_prose = false;
        for (auto& r : raw) {
            RLine l = classify(r, prev_prose);
            if (l.kind != BLANK) prev_prose = (l.kind == PROSE) && !ends_with(l.text, ".") && !ends_with(l.text, ":");
            else prev_prose = false;
            L.push_back(l);
        }
        int nvalues = 0;
        for (auto& l : L) if (l.kind == VALUE) nvalues++;
        std::vector<int> in_table(L.size(), 0);
        if (nvalues >= 2) {
            // region: from the first label/year line before the first value to the last value
            int first = -1, last = -1;
            for (int i = 0; i < (int)L.size(); i++) if (L[i].kind == VALUE) { if (first < 0) first = i; last = i; }
            int a = first;
            // back to the paragraph before the table; a lone sentence line (a table's footnote such as
            // "The accompanying Notes ... statement.") can sit between the labels and the values
            while (a > 0) {
                if (L[a - 1].kind == PROSE) {
                    bool lone = display_width(L[a - 1].text) <= 110 && (a < 2 || L[a - 2].kind != PROSE);
                    if (!lone) break;
                }
                a--;
            }
            std::vector<RLine> region;
            for (int i = a; i <= last; i++) {
                if (L[i].kind == PROSE) continue;
                region.push_back(L[i]);
            }
            // several tables on one page: a year printed again after values and new labels starts the
            // next table's header; the labels since the last value are that table's title lines
            std::vector<std::pair<size_t, size_t>> cuts;
            {
                std::set<std::string> years;
                size_t start = 0, first_label_after_value = std::string::npos;
                bool seen_value = false;
                for (size_t i = 0; i < region.size(); i++) {
                    const RLine& l = region[i];
                    if (l.kind == VALUE) { seen_value = true; first_label_after_value = std::string::npos; }
                    else if (l.kind == LABEL && seen_value && first_label_after_value == std::string::npos) first_label_after_value = i;
                    else if (l.kind == YEAR) {
                        if (years.count(l.text) && first_label_after_value != std::string::npos) {
                            cuts.push_back({start, first_label_after_value});
                            start = first_label_after_value;
                            years.clear();
                            seen_value = false;
                            first_label_after_value = std::string::npos;
                        }
                        years.insert(l.text);
                    }
                }
                cuts.push_back({start, region.size()});
            }
            for (auto& c : cuts) {
                std::vector<std::string> meta;
                // leading label lines up to the first year are the title block
                size_t k = c.first;
                while (k < c.second && region[k].kind != YEAR && region[k].kind != VALUE) {
                    if (region[k].kind == LABEL) meta.push_back(region[k].text);
                    k++;
                }
                std::vector<RLine> body(region.begin() + k, region.begin() + c.second);
                bool any_value = false;
                for (auto& l : body) if (l.kind == VALUE) any_value = true;
                if (any_value && !rebuild(body, page, meta)) {
                    doc->tables_skipped++;
                    TableScrap sc;
                    for (auto& m : meta) if (!contains(lower(m), "and subsidiaries") && m[0] != '(') { sc.title = m; break; }
                    for (auto& l : body)
                        if (l.kind == VALUE && !l.cell.dash) sc.figures.push_back((l.cell.dollar ? "$" : "") + l.cell.text + (l.cell.percent ? "%" : ""));
                    doc->unread_tables.push_back(sc);
                }
            }
            for (int i = a; i <= last; i++) if (L[i].kind != PROSE) in_table[i] = 1;
        }
        std::vector<std::string> buf;
        auto flush = [&]() {
            if (buf.empty()) return;
            std::string p = dh->join(buf);
            buf.clear();
            Paragraph para;
            para.text = p;
            para.page = page;
            std::string name;
            if (is_section_heading(p, &name)) section = name, para.heading = true;
            else if (p.size() < 80 && !ends_with(p, ".")) para.heading = true;
            para.section = section;
            doc->paragraphs.push_back(para);
        };
        for (size_t i = 0; i < L.size(); i++) {
            if (in_table[i] || L[i].kind == BLANK || L[i].kind == VALUE || L[i].kind == MARK || L[i].kind == YEAR) { flush(); continue; }
            std::string t = strip_bullet(L[i].text);
            if (t != L[i].text) flush();
            if (L[i].kind == LABEL && !buf.empty() && display_width(buf.back()) < 100) flush();  // headings stand alone
            buf.push_back(t);
            if (L[i].kind == LABEL && display_width(t) < 100) flush();
        }
        flush();
    }
};

// ---------------------------------------------------------------------------------------------

// pages first..last (1-based, inclusive) of a document; {0, 0} is all of it
struct PageRange {
    int first = 0, last = 0;
    bool all() const { return first == 0; }
};
// "25-48" -> {25, 48}; "" -> all; false on anything else
inline bool parse_page_range(const std::string& s, PageRange* r) {
    *r = PageRange();
    if (s.empty()) return true;
    int a = 0, b = 0, n = 0;
    if (sscanf(s.c_str(), "%d-%d%n", &a, &b, &n) != 2 || n != (int)s.size() || a < 1 || b < a) return false;
    r->first = a; r->last = b;
    return true;
}
// the text of pages r (form feeds separate pages, as pdftotext writes them); fatal when the document has fewer
inline std::string select_pages(const std::string& text, PageRange r, const std::string& path) {
    if (r.all()) return text;
    std::vector<size_t> starts = {0};
    for (size_t i = 0; i < text.size(); i++) if (text[i] == '\f') starts.push_back(i + 1);
    while (starts.size() > 1 && text.find_first_not_of(" \t\r\n", starts.back()) == std::string::npos) starts.pop_back();  // a form feed at the end opens no page
    if (r.last > (int)starts.size())
        fatal(EXIT_USAGE, "--pages %d-%d: %s has %d pages (form feeds separate them)", r.first, r.last, path.c_str(), (int)starts.size());
    size_t a = starts[r.first - 1], b = r.last < (int)starts.size() ? starts[r.last] : text.size();
    return text.substr(a, b - a);
}

// Parses already-extracted text (either pdftotext mode) into a Document; with a page range, only
// those pages (and the exhibits cut) make the body, while the cover page still names the company.
inline Document parse_document_text(const std::string& text_in, const std::string& source_text, const std::string& path, PageRange range = {}) {
    Document doc;
    doc.path = path;
    doc.source_text = select_pages(source_text, range, path);
    std::string text = normalize_utf8(text_in);
    doc.layout = looks_like_layout(text);
    auto pages = split_pages(text);
    doc.pages = (int)pages.size();
    if (!pages.empty())
        for (auto& l : pages[0]) { std::string t = collapse_spaces(l); if (!t.empty()) doc.cover.push_back(t); }
    auto end = body_end(pages);
    if (end.first < (int)pages.size()) {
        pages[end.first].resize(end.second);
        pages.resize(end.first + 1);
    }
    if (!range.all()) {
        if (range.last > doc.pages) fatal(EXIT_USAGE, "--pages %d-%d: %s has %d pages", range.first, range.last, path.c_str(), doc.pages);
        pages.resize(std::min((int)pages.size(), range.last));
        pages.erase(pages.begin(), pages.begin() + std::min((int)pages.size(), range.first - 1));
    }
    doc.body_pages = (int)pages.size();
    for (auto& p : pages)
        for (auto& l : p) { std::string t = collapse_spaces(l); if (!t.empty()) doc.body_text += t + "\n"; }
    Dehyphenator dh;
    for (auto& p : pages) for (auto& l : p) dh.learn(l);
    if (doc.layout) {
        LayoutParser lp{&dh, &doc, ""};
        for (int p = 0; p < (int)pages.size(); p++) lp.parse_page(pages[p], p + 1);
    } else {
        RawParser rp{&dh, &doc, ""};
        for (int p = 0; p < (int)pages.size(); p++) rp.parse_page(pages[p], p + 1);
    }
    return doc;
}

// Loads FILE (.pdf through pdftotext -layout, anything else read as UTF-8 text) and cleans it;
// pages: only those make the body.
inline Document load_document(const std::string& path, PageRange pages = {}) {
    if (!file_exists(path)) fatal(EXIT_RUNTIME, "document %s does not exist", path.c_str());
    std::string low = lower(path);
    if (ends_with(low, ".jsonl") || ends_with(low, ".json"))
        fatal(EXIT_USAGE, "--doc takes the document itself (.txt or .pdf), not %s", path.c_str());
    if (ends_with(low, ".pdf")) {
        std::string layout = run_pdftotext(path, true);
        std::string plain = run_pdftotext(path, false);
        return parse_document_text(layout, plain, path, pages);
    }
    std::string text = read_file(path);
    if (text.size() >= 5 && text.compare(0, 5, "%PDF-") == 0)
        fatal(EXIT_USAGE, "%s is a PDF: give it a .pdf name so it goes through pdftotext", path.c_str());
    if (text.empty()) fatal(EXIT_RUNTIME, "document %s is empty", path.c_str());
    return parse_document_text(text, text, path, pages);
}

}  // namespace synth
