/* fuzz-dataset.c - libFuzzer target: the dataset loaders
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzzing=true (clang):
 *   build-fuzz/tests/fuzz/fuzz-dataset -max_total_time=60 tests/fuzz/corpus/dataset
 *
 * The loaders read files, so each input is written to a file in a private
 * temporary folder and loaded four ways: as csv:, as the "digits" file
 * (PFM_DIGITS_CSV), as IDX images beside a fixed valid labels file of 2
 * labels, and as IDX labels beside a fixed valid images file of 3 images.
 * Plain or gzipped is the loaders' own decision (the gzip magic).  The
 * promises are those of pfm-fuzz-targets.h: never a crash, a hang or a
 * leak; a refusal has one short line of UTF-8; an accepted dataset is
 * fully valid, and its resize and split keep their promises too.
 */
#include "config.h"

#include <stdint.h>

#include "pfm-fuzz-dataset.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return pfm_fuzz_dataset (data, size);
}
