#pragma once
// A property a harness checks beyond "does not crash": when it fails the process aborts, so libFuzzer
// saves the input as a crash and the replay test fails on it.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                                          \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "fuzz property violated at %s:%d: %s\n", __FILE__, __LINE__, what);         \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)
