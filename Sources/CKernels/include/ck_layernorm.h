#ifndef CK_LAYERNORM_H
#define CK_LAYERNORM_H

// Layer normalization rows with AVX-512 and with AVX2 + FMA (Tensor.layerNormalized's forward and backward;
// the Swift row loops in Kernels+Rows.swift are the fallback on other CPUs and the tests' oracle).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For each of `rows` rows of `width` floats: mean = sum x / width, rstd = 1 / sqrt(sum (x - mean)^2 /
/// width + epsilon), y = gain * ((x - mean) * rstd) + bias. Writes mean and rstd of row r to `means[r]`
/// and `rstds[r]` when those are not NULL. Sums in 16 lanes (two chains), so results differ from the
/// Swift rows by rounding only. Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_layernorm_forward_avx512(ptrdiff_t rows, ptrdiff_t width, const float *x, const float *gain,
                                 const float *bias, float epsilon, float *y, float *means, float *rstds);

/// The AVX2 + FMA twin of `ck_layernorm_forward_avx512`: sums in 8 lanes (four chains), so results differ
/// from the AVX-512 and the Swift rows by rounding only. Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_layernorm_forward_avx2(ptrdiff_t rows, ptrdiff_t width, const float *x, const float *gain,
                               const float *bias, float epsilon, float *y, float *means, float *rstds);

/// The backward of the rows above, with xhat = (x - mean) * rstd recomputed from x:
/// d = dy * gain; dx = rstd * (d - mean_j(d) - xhat * mean_j(d * xhat)); dgain += sum_rows dy * xhat;
/// dbias += sum_rows dy (`dgain` and `dbias` are accumulated into, `width` floats each).
/// Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_layernorm_backward_avx512(ptrdiff_t rows, ptrdiff_t width, const float *dy, const float *x,
                                  const float *means, const float *rstds, const float *gain, float *dx,
                                  float *dgain, float *dbias);

/// The AVX2 + FMA twin of `ck_layernorm_backward_avx512` (8 lanes, sums in two chains: results differ by
/// rounding only). Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_layernorm_backward_avx2(ptrdiff_t rows, ptrdiff_t width, const float *dy, const float *x,
                                const float *means, const float *rstds, const float *gain, float *dx,
                                float *dgain, float *dbias);

#ifdef __cplusplus
}
#endif

#endif
