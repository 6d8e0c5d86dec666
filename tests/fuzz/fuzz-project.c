/* fuzz-project.c - libFuzzer target: the project-file loader
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzzing=true (clang); run by `scripts/pfm test`:
 *   build-fuzz/tests/fuzz/fuzz-project -max_total_time=30 tests/fuzz/corpus/project
 */
#include "config.h"

#include <stdint.h>

#include "pfm-fuzz-targets.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return pfm_fuzz_project (data, size);
}
