// args.h: command-line flags. `--name value` pairs (or `--name` alone for booleans) are collected
// once; each subcommand asks for the flags it knows with typed getters that validate ranges, then
// finish() rejects anything left over. Every mistake is one line on stderr and exit status 2.
#pragma once
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>
#include "utils.h"

struct Args {
    std::map<std::string, std::string> kv;
    std::set<std::string> used;
    std::vector<std::string> positional;

    Args(int argc, char** argv, int start) {
        for (int i = start; i < argc; i++) {
            std::string a = argv[i];
            if (a.rfind("--", 0) == 0 && a.size() > 2) {
                std::string name = a.substr(2), val = "1";
                size_t eq = name.find('=');
                if (eq != std::string::npos) { val = name.substr(eq + 1); name = name.substr(0, eq); }
                else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) val = argv[++i];
                if (kv.count(name)) fatal(EXIT_USAGE, "flag --%s given twice", name.c_str());
                kv[name] = val;
            } else {
                positional.push_back(a);
            }
        }
    }
    bool has(const std::string& name) { used.insert(name); return kv.count(name) > 0; }
    std::string str(const std::string& name, const std::string& def) {
        used.insert(name);
        auto it = kv.find(name);
        return it == kv.end() ? def : it->second;
    }
    std::string choice(const std::string& name, const std::string& def, const std::vector<std::string>& allowed) {
        std::string v = str(name, def), list;
        for (auto& a : allowed) { if (a == v) return v; list += (list.empty() ? "" : "|") + a; }
        fatal(EXIT_USAGE, "--%s must be one of %s (got '%s')", name.c_str(), list.c_str(), v.c_str());
    }
    long integer(const std::string& name, long def, long lo, long hi) {
        std::string v = str(name, "");
        if (v.empty()) return def;
        char* end;
        errno = 0;
        long x = strtol(v.c_str(), &end, 10);
        if (*end || end == v.c_str()) fatal(EXIT_USAGE, "--%s expects an integer (got '%s')", name.c_str(), v.c_str());
        if (errno == ERANGE || x < lo || x > hi) fatal(EXIT_USAGE, "--%s must be in [%ld, %ld] (got %s)", name.c_str(), lo, hi, v.c_str());
        return x;
    }
    double real(const std::string& name, double def, double lo, double hi) {
        std::string v = str(name, "");
        if (v.empty()) return def;
        char* end;
        double x = strtod(v.c_str(), &end);
        if (*end || end == v.c_str() || x != x) fatal(EXIT_USAGE, "--%s expects a number (got '%s')", name.c_str(), v.c_str());
        if (x < lo || x > hi) fatal(EXIT_USAGE, "--%s must be in [%g, %g] (got %g)", name.c_str(), lo, hi, x);
        return x;
    }
    bool flag(const std::string& name) {
        std::string v = str(name, "0");
        if (v == "1" || v == "true") return true;
        if (v == "0" || v == "false") return false;
        fatal(EXIT_USAGE, "--%s is a switch: give it alone or as --%s=true|false", name.c_str(), name.c_str());
    }
    // every flag given must have been asked for by the subcommand
    void finish(const char* cmd, size_t max_positional = 0) {
        for (auto& p : kv)
            if (!used.count(p.first)) fatal(EXIT_USAGE, "unknown flag --%s for '%s' (see ./train --help)", p.first.c_str(), cmd);
        if (positional.size() > max_positional) fatal(EXIT_USAGE, "unexpected argument '%s' for '%s' (see ./train --help)", positional[max_positional].c_str(), cmd);
    }
};
