// layout_parser.h: the table and paragraph reader for `pdftotext -layout` text (what a PDF gives here):
// a line's columns are found by character position, so a row's label and its values line up.
#pragma once
#include "data_prep/page_text.h"

namespace synth {


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
            add_paragraph(doc, p, page, &section);
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

}  // namespace synth
