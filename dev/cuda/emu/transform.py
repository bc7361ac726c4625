#!/usr/bin/env python3
"""dev/cuda/emu/transform.py: rewrites llmc/*.cuh for the CPU emulator (dev/cuda/emu/emu.h).

usage: transform.py SRC_DIR DST_DIR   (e.g. llmc build/cuda-emu/llmc)

Rewrites, and nothing else:
  kernel<T...><<<grid, block[, smem[, stream]]>>>(args);  ->  emu::launch([&]() { kernel<T...>(args); }, grid, block, ...);
  extern __shared__ [__align__(n)] float name[];           ->  float* name = (float*)emu::dyn_smem();
and puts #include "emu.h" first (runtime calls become host functions there, by macros).
"""
import os
import re
import sys


def matching(s, i, open_ch, close_ch, step):
    """index of the bracket matching s[i] (scanning forward if step=1, backward if step=-1)"""
    depth = 0
    while 0 <= i < len(s):
        if s[i] == open_ch:
            depth += 1
        elif s[i] == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += step
    raise ValueError("unbalanced brackets")


def rewrite_launches(s):
    out = []
    pos = 0
    while True:
        k = s.find("<<<", pos)
        if k < 0:
            out.append(s[pos:])
            return "".join(out)
        # the kernel name, with an optional template argument list, ends right before <<<
        j = k - 1
        if s[j] == ">":
            j = matching(s, j, ">", "<", -1) - 1
        while j >= 0 and (s[j].isalnum() or s[j] in "_:"):
            j -= 1
        name_start = j + 1
        name = s[name_start:k]
        e = s.find(">>>", k)
        config = s[k + 3:e]
        p = e + 3
        while s[p].isspace():
            p += 1
        if s[p] != "(":
            raise ValueError("expected ( after >>> near: " + s[name_start:p + 20])
        q = matching(s, p, "(", ")", 1)
        args = s[p + 1:q]
        out.append(s[pos:name_start])
        out.append("emu::launch([&]() { %s(%s); }, %s)" % (name, args, config))
        pos = q + 1


def transform(text):
    text = re.sub(r"extern\s+__shared__\s+(?:__align__\(\d+\)\s+)?(\w+)\s+(\w+)\[\];",
                  r"\1* \2 = (\1*)emu::dyn_smem();", text)
    text = rewrite_launches(text)
    return '#include "emu.h"\n' + text


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name.endswith(".cuh"):
            with open(os.path.join(src, name)) as f:
                text = f.read()
            with open(os.path.join(dst, name), "w") as f:
                f.write(transform(text))


if __name__ == "__main__":
    main()
