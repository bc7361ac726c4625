// utils.h: checked file I/O, fatal errors, atomic writes, paths and wall-clock time.
// Every user-facing failure goes through fatal(): one line on stderr, then exit(code).
// Exit codes: 2 = usage (bad flag or value), 1 = runtime (bad file, NaN, I/O failure).
#pragma once
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

[[noreturn]] inline void fatal(int code, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(code);
}

inline FILE* fopen_check(const char* path, const char* mode) {
    FILE* f = fopen(path, mode);
    if (!f) fatal(EXIT_RUNTIME, "cannot open %s: %s", path, strerror(errno));
    return f;
}

// reads exactly n bytes or dies naming the file: a short read means a truncated file
inline void fread_check(void* dst, size_t size, size_t n, FILE* f, const char* path) {
    if (fread(dst, size, n, f) != n) fatal(EXIT_RUNTIME, "%s is truncated (expected %zu more bytes)", path, size * n);
}

inline bool file_exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

inline long file_size(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

inline std::string read_file(const std::string& path) {
    FILE* f = fopen_check(path.c_str(), "rb");
    std::string s;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    fclose(f);
    return s;
}

// Test hook (tests/test_reliability.cpp): LLMC_KILL_AT=k kills the process with SIGKILL at the k-th
// step of writing files (an atomic write's open, data written, fsync and close, rename; the
// checkpoint's link and unlinks), as a power cut there would; LLMC_KILL_AT=trace prints each step to
// stderr instead. Unset in normal use.
inline void fault_point(const char* what, const std::string& path) {
    static const char* at = getenv("LLMC_KILL_AT");
    static long n = 0;
    if (!at) return;
    n++;
    if (!strcmp(at, "trace")) fprintf(stderr, "fault point %ld: %s %s\n", n, what, path.c_str());
    else if (n == atol(at)) raise(SIGKILL);
}

// Atomic write: the caller writes into a temp file beside `path`; commit() fsyncs and renames it
// over `path`, so a reader sees either the old file or the complete new one, never half of one.
// If anything fails (disk full...), the temp file is removed and the old file survives.
struct AtomicFile {
    std::string path, tmp;
    FILE* f = nullptr;
    explicit AtomicFile(const std::string& p) : path(p), tmp(p + ".tmp." + std::to_string(getpid())) {
        f = fopen(tmp.c_str(), "wb");
        if (!f) fatal(EXIT_RUNTIME, "cannot write %s: %s", tmp.c_str(), strerror(errno));
        fault_point("opened", tmp);
    }
    void write(const void* data, size_t bytes) {
        if (bytes && fwrite(data, 1, bytes, f) != bytes) fail();
    }
    void commit() {
        fault_point("written", tmp);
        if (fflush(f) != 0 || fsync(fileno(f)) != 0) fail();
        if (fclose(f) != 0) { f = nullptr; fail(); }
        f = nullptr;
        fault_point("synced", tmp);
        if (rename(tmp.c_str(), path.c_str()) != 0) fail();
        fault_point("renamed", path);
        // the rename itself is durable once the directory is synced (best effort: not every
        // filesystem lets a directory be opened for it)
        size_t slash = path.rfind('/');
        int dfd = open(slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1).c_str(), O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) { fsync(dfd); close(dfd); }
    }
    [[noreturn]] void fail() {
        int e = errno;
        if (f) fclose(f);
        f = nullptr;
        unlink(tmp.c_str());
        fatal(EXIT_RUNTIME, "writing %s failed: %s (previous file left intact)", path.c_str(), strerror(e));
    }
    ~AtomicFile() { if (f) { fclose(f); unlink(tmp.c_str()); } }
};

inline void write_file_atomic(const std::string& path, const std::string& data) {
    AtomicFile af(path);
    af.write(data.data(), data.size());
    af.commit();
}

inline void mkdir_p(const std::string& dir) {
    for (size_t i = 1; i <= dir.size(); i++)
        if (i == dir.size() || dir[i] == '/')
            if (mkdir(dir.substr(0, i).c_str(), 0755) != 0 && errno != EEXIST)
                fatal(EXIT_RUNTIME, "cannot create directory %s: %s", dir.substr(0, i).c_str(), strerror(errno));
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fatal(EXIT_RUNTIME, "cannot create directory %s: a file of that name exists", dir.c_str());
}

// the first n bytes of a file (fewer when it is shorter; "" when it cannot be read)
inline std::string read_file_head(const std::string& path, size_t n) {
    std::string s(n, '\0');
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) return "";
    s.resize(fread(&s[0], 1, n, f));
    fclose(f);
    return s;
}

// the whole file, or "" when it cannot be read (for optional system files like /proc/cpuinfo)
inline std::string read_file_if(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) return "";
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    fclose(f);
    return s;
}

// the folder of the running binary: the repo's data/ lies beside ./train, so it works from any directory
inline std::string home_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, n);
    return p.substr(0, p.rfind('/'));
}

inline std::string dirname_of(const std::string& path) {
    size_t s = path.rfind('/');
    return s == std::string::npos ? "." : path.substr(0, s);
}

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline std::string fmt_duration(double s) {
    char b[32];
    if (s >= 3600) snprintf(b, sizeof b, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else snprintf(b, sizeof b, "%dm%02ds", (int)(s / 60), (int)s % 60);
    return b;
}

// v = n copies of x, asking the kernel for transparent huge pages first when v is large (Linux's
// "madvise" THP mode): the memory layer reads its value table (GBs) a row at a time at random, and
// with 4 KB pages nearly every row read also misses the TLB. Where THP is off this is a plain assign.
template <class T> void assign_huge(std::vector<T>& v, size_t n, T x) {
    if (n * sizeof(T) >= ((size_t)64 << 20) && v.capacity() < n) {
        std::vector<T>().swap(v);
        v.reserve(n);  // allocated, not yet touched: the advice applies to the first faults
        uintptr_t a = ((uintptr_t)v.data() + 4095) & ~(uintptr_t)4095, e = (uintptr_t)(v.data() + n) & ~(uintptr_t)4095;
        if (e > a) madvise((void*)a, e - a, MADV_HUGEPAGE);  // refused: 4 KB pages, same results
    }
    v.assign(n, x);
}
