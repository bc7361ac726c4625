// test_util.h: shared helpers for the test suites.
#pragma once
#include <sys/wait.h>
#include <cstdlib>
#include <string>
#include <vector>
#include "llmc/json.h"
#include "llmc/utils.h"
void skip_test(const char* why);  // defined in tests/main.cpp
// where ../shared lives relative to the repo root (tests run from the repo root)
inline std::string shared_dir() { return "../shared"; }

// runs a shell command with stdout and stderr together in *out (when given); its exit status
inline int sh_out(const std::string& cmd, std::string* out = nullptr) {
    std::string tmp = "/tmp/test_sh_out_" + std::to_string(getpid()) + ".txt";
    int st = system((cmd + " >" + tmp + " 2>&1").c_str());
    if (out) *out = read_file_if(tmp);
    unlink(tmp.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

// the training losses a run's log.jsonl holds, in order
inline std::vector<double> log_losses(const std::string& log) {
    std::vector<double> l;
    std::string text = read_file_if(log);
    for (size_t p = 0; p < text.size();) {
        size_t e = text.find('\n', p);
        Json j; std::string err;
        if (json_parse(text.substr(p, e - p), j, err) && j.get("loss")) l.push_back(j.get("loss")->num);
        p = e + 1;
    }
    return l;
}
