#ifndef CK_REDUCTIONS_H
#define CK_REDUCTIONS_H

// Reductions with AVX-512 and with AVX2 + FMA (Kernels.columnSums' fast path; the Swift loop is the fallback
// and oracle).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// sums[j] = sum over r < rows of x[r * columns + j], for j < columns (overwrites `sums`). Up to 128
/// columns at a time stay in registers over all rows (rows added in order, so each sum is the scalar
/// loop's). Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_column_sums_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums);

/// The AVX2 + FMA twin of `ck_column_sums_avx512`: up to 128 columns at a time in registers, rows added in
/// order, so each sum is the scalar loop's bit for bit. Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_column_sums_avx2(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums);

#ifdef __cplusplus
}
#endif

#endif
