// test_qa_build.cpp: the question sets' build helper (data/3m/check_qa.py build_set), run through
// python3: every committed .jsonl is what its build script writes (byte for byte), the validator
// passes on them, and a set with a bad entry fails with BAD lines and writes nothing.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string>
#include "llmc/utils.h"

struct PyRun { int code; std::string out; };

// runs a Python snippet from the repository root with data/3m on its path
static PyRun py(const std::string& dir, const std::string& code) {
    std::string src = dir + "/snippet.py", out = dir + "/out.txt";
    write_file_atomic(src, "import sys\nsys.path.insert(0, 'data/3m')\nimport check_qa\n" + code);
    int st = system(("python3 " + src + " >" + out + " 2>&1").c_str());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128, read_file_if(out)};
}

TEST_CASE("qa sets: each build script's output is the committed file; check_qa.py passes; a bad entry writes nothing") {
    std::string dir = "/tmp/test_qa_build_" + std::to_string(getpid());
    mkdir_p(dir);

    // splits B, C and D and the FY2018 set, rebuilt into dir from their sources
    PyRun b = py(dir,
        "import qa_heldout_b_build as m\n"
        "check_qa.build_set(m.Q, m.DOC, m.PAGES, m.SECTIONS, m.SEED, '" + dir + "/b.jsonl', check_qa.positions_within_one, other_sets=m.OTHER_SETS)\n"
        "import qa_heldout_c_build as c\n"
        "check_qa.build_set(c.Q, c.DOC, c.PAGES, c.SECTIONS, c.SEED, '" + dir + "/c.jsonl', check_qa.positions_within_one, other_sets=c.OTHER_SETS)\n"
        "import qa_heldout_d_build as d\n"
        "check_qa.build_set(d.Q, d.DOC, d.PAGES, d.SECTIONS, d.SEED, '" + dir + "/d.jsonl', check_qa.positions_within_one, other_sets=d.OTHER_SETS)\n"
        "import qa_2018_build as n\n"
        "check_qa.build_set(n.Q, n.DOC, n.PAGES, n.SECTIONS, n.SEED, '" + dir + "/y2018.jsonl', check_qa.positions_share)\n");
    INFO(b.out);
    REQUIRE(b.code == 0);
    CHECK(read_file_if(dir + "/b.jsonl") == read_file_if("data/3m/qa_heldout_b.jsonl"));
    CHECK(read_file_if(dir + "/c.jsonl") == read_file_if("data/3m/qa_heldout_c.jsonl"));
    CHECK(read_file_if(dir + "/d.jsonl") == read_file_if("data/3m/qa_heldout_d.jsonl"));
    CHECK(read_file_if(dir + "/y2018.jsonl") == read_file_if("data/3m/qa_2018.jsonl"));
    CHECK(!file_exists(dir + "/b.jsonl.tmp." + std::to_string(getpid())));
    CHECK(!file_exists(dir + "/c.jsonl.tmp." + std::to_string(getpid())));

    PyRun v = py(dir, "check_qa.main()\n");
    INFO(v.out);
    CHECK(v.code == 0);
    CHECK(v.out.find("OK: all checks passed") != std::string::npos);

    // one good entry and one whose evidence the pages do not hold: exit 1, a BAD line naming the
    // problem, no file (and an existing file left as it was)
    write_file_atomic(dir + "/bad.jsonl", "old\n");
    PyRun bad = py(dir,
        "good = dict(section='S', type='number', question='What were 3M net sales in 2022?', answer='$34,229 million',\n"
        "            distractors=['$35,355 million', '$32,184 million', '$33,000 million'], evidence='Net sales')\n"
        "wrong = dict(good, question='What is a made-up figure?', evidence='no such passage anywhere')\n"
        "check_qa.build_set([good, wrong], 'data/3m/3M_2022_10K.txt', (25, 48), {'S'}, 1, '" + dir + "/bad.jsonl', check_qa.positions_share)\n");
    CHECK(bad.code == 1);
    CHECK(bad.out.find("BAD: What is a made-up figure? -- evidence: not a substring of pages 25-48") != std::string::npos);
    CHECK(bad.out.find("FAILED:") != std::string::npos);
    CHECK(read_file_if(dir + "/bad.jsonl") == "old\n");

    CHECK(system(("rm -rf " + dir).c_str()) == 0);
}
