// raw_parser.h: the table and paragraph reader for pdftotext's default output (one cell per line):
// rows are rebuilt from the order of label and value blocks, conservatively: a table whose blocks do
// not line up is skipped (its figures kept as a TableScrap), never guessed.
#pragma once
#include "data_prep/page_text.h"

namespace synth {


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
            add_paragraph(doc, p, page, &section);
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

}  // namespace synth
