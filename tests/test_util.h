// test_util.h: shared helpers for the test suites.
#pragma once
#include <sys/wait.h>
#include <unistd.h>
#include <functional>
#include <cstdlib>
#include <string>
#include <vector>
#include "llmc/json.h"
#include "llmc/utils.h"
void skip_test(const char* why, bool optional = false);  // tests/main.cpp: under CI=true only an optional skip is allowed
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

// runs f in a forked child with its stderr captured in *err; returns its exit status (-1 if it did
// not exit, -2 if the child could not be started)
inline int run_child(const std::function<void()>& f, std::string* err) {
    int fds[2];
    if (pipe(fds) != 0) return -2;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return -2;
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        f();
        _exit(0);
    }
    close(fds[1]);
    err->clear();
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) err->append(buf, (size_t)n);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
