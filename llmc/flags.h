// flags.h: a subcommand's flags, each declared once with its range and help, bound to a field of a
// typed config whose value is the default. The same declarations do three jobs, by Flags::Job:
//   PARSE  read `--name value` (or `--name=value`, or `--name` alone for a switch) into the fields,
//          checking types and ranges; finish() rejects what no declaration asked for
//   HELP   write the help lines of `./train --help`, defaults taken from the fields
//   DUMP   write the fields back as the command line that makes them (the 3m pipeline prints and
//          keys its stages by it)
// Every mistake is one line on stderr and exit status 2. Usage:
//   Flags f = Flags::parse(argc, argv, 2);  f.integer("steps", cfg.steps, 1, 1000, "N", "optimizer steps");
//   if (!f.finish("pretrain")) return 0;    // --help: declared, nothing to run
#pragma once
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>
#include "utils.h"

struct Flags {
    enum Job { PARSE, HELP, DUMP } job;
    std::map<std::string, std::string> given;                // PARSE: the command line's flags
    std::set<std::string> asked;                             // PARSE: the flags declared so far
    std::vector<std::string> positional;                     // PARSE: arguments that are not flags
    std::vector<std::pair<std::string, std::string>> items;  // HELP: (--name META (default), help); DUMP: (name, value)

    explicit Flags(Job j) : job(j) {}
    static Flags parse(int argc, char** argv, int start) {
        Flags f(PARSE);
        for (int i = start; i < argc; i++) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0 || a.size() == 2) { f.positional.push_back(a); continue; }
            std::string name = a.substr(2), val = "1";
            size_t eq = name.find('=');
            if (eq != std::string::npos) { val = name.substr(eq + 1); name = name.substr(0, eq); }
            else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) val = argv[++i];
            if (f.given.count(name)) fatal(EXIT_USAGE, "flag --%s given twice", name.c_str());
            f.given[name] = val;
        }
        return f;
    }

    void integer(const char* name, int& v, long lo, long hi, const char* meta, const char* help) { long x = v; integer(name, x, lo, hi, meta, help); v = (int)x; }
    void integer(const char* name, uint64_t& v, long lo, long hi, const char* meta, const char* help) { long x = (long)v; integer(name, x, lo, hi, meta, help); v = (uint64_t)x; }
    void integer(const char* name, long& v, long lo, long hi, const char* meta, const char* help) {
        const std::string* s = field(name, std::to_string(v), meta, help);
        if (!s) return;
        char* end;
        errno = 0;
        long x = strtol(s->c_str(), &end, 10);
        if (*end || end == s->c_str()) fatal(EXIT_USAGE, "--%s expects an integer (got '%s')", name, s->c_str());
        if (errno == ERANGE || x < lo || x > hi) fatal(EXIT_USAGE, "--%s must be in [%ld, %ld] (got %s)", name, lo, hi, s->c_str());
        v = x;
    }
    void real(const char* name, double& v, double lo, double hi, const char* meta, const char* help) {
        const std::string* s = field(name, shortest(v), meta, help);
        if (!s) return;
        char* end;
        double x = strtod(s->c_str(), &end);
        if (*end || end == s->c_str() || x != x) fatal(EXIT_USAGE, "--%s expects a number (got '%s')", name, s->c_str());
        if (x < lo || x > hi) fatal(EXIT_USAGE, "--%s must be in [%g, %g] (got %g)", name, lo, hi, x);
        v = x;
    }
    void text(const char* name, std::string& v, const char* meta, const char* help) {
        const std::string* s = field(name, v, meta, help);
        if (s) v = *s;
    }
    // one of names; v is the index of the name (an enum whose values follow names' order)
    template <class E> void choice(const char* name, E& v, const std::vector<std::string>& names, const char* help) {
        std::string list;
        for (auto& n : names) list += (list.empty() ? "" : "|") + n;
        const std::string* s = field(name, names[(int)v], list.c_str(), help);
        if (!s) return;
        for (size_t i = 0; i < names.size(); i++)
            if (names[i] == *s) { v = (E)i; return; }
        fatal(EXIT_USAGE, "--%s must be one of %s (got '%s')", name, list.c_str(), s->c_str());
    }
    void flag(const char* name, bool& v, const char* help) {
        const std::string* s = field(name, v ? "1" : "0", nullptr, help);
        if (!s) return;
        if (*s == "1" || *s == "true") v = true;
        else if (*s == "0" || *s == "false") v = false;
        else fatal(EXIT_USAGE, "--%s is a switch: give it alone or as --%s=true|false", name, name);
    }

    // after the declarations: in PARSE, every flag given must have been declared (and at most
    // max_positional other arguments given); returns whether there is a command to run (PARSE only)
    bool finish(const char* cmd, size_t max_positional = 0) {
        if (job != PARSE) return false;
        for (auto& p : given)
            if (!asked.count(p.first)) fatal(EXIT_USAGE, "unknown flag --%s for '%s' (see ./train --help)", p.first.c_str(), cmd);
        if (positional.size() > max_positional) fatal(EXIT_USAGE, "unexpected argument '%s' for '%s' (see ./train --help)", positional[max_positional].c_str(), cmd);
        return true;
    }
    // HELP: the lines, each flag's help word-wrapped in a column from 38 to 100; DUMP: " --name value"
    // for each field that differs from `base`'s
    std::string help_text() const {
        std::string s;
        for (auto& it : items) s += wrap("      " + it.first, it.second, 38);
        return s;
    }
    // head, then text word-wrapped into columns col..100 (on a line of its own when head reaches col)
    static std::string wrap(const std::string& head, const std::string& text, size_t col) {
        std::string s, line = head + " ";
        if (line.size() > col) { line.pop_back(); s += line + "\n"; line.clear(); }
        line.resize(col, ' ');
        for (size_t p = 0, e; p < text.size(); p = e + 1) {
            e = std::min(text.find(' ', p), text.size());
            if (line.size() + (e - p) > 100 && line.size() > col) { line.pop_back(); s += line + "\n"; line = std::string(col, ' '); }
            line += text.substr(p, e - p) + " ";
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        return s + line + "\n";
    }
    std::string command_line(const Flags& base) const {
        std::string s;
        for (size_t i = 0; i < items.size(); i++)
            if (i >= base.items.size() || items[i] != base.items[i]) s += " --" + items[i].first + " " + items[i].second;
        return s;
    }

  private:
    // PARSE: the value given for name, or null; HELP/DUMP: records the field, returns null
    const std::string* field(const char* name, const std::string& value, const char* meta, const char* help) {
        if (job == HELP) {
            std::string head = std::string("--") + name + (meta ? std::string(" ") + meta : "") + (meta ? " (" + (value.empty() ? "none" : value) + ")" : "");
            items.push_back({head, help});
        } else if (job == DUMP) {
            items.push_back({name, value});
        } else {
            asked.insert(name);
            auto it = given.find(name);
            if (it != given.end()) return &it->second;
        }
        return nullptr;
    }
    // the shortest text that reads back as v
    static std::string shortest(double v) {
        char b[32];
        if (v == (long)v && std::fabs(v) < 1e9) snprintf(b, sizeof b, "%ld", (long)v);  // 60, not 6e+01
        else for (int p = 1; p <= 17; p++) { snprintf(b, sizeof b, "%.*g", p, v); if (strtod(b, nullptr) == v) break; }
        return b;
    }
};
