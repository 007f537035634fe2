// Layer normalization rows, 8 lanes at a time with AVX2 + FMA. The twin of layernorm_avx512.c (same passes,
// same fused multiply-adds); what differs: the sums of the forward run in four chains of 8 lanes (32 floats
// per step, as the AVX-512 kernel's two chains of 16) and then single 8-float steps, so they round
// differently from both the AVX-512 and the Swift rows; full vectors are loaded and stored plainly and only
// the row tail (width % 8 floats) takes one masked step (AVX2 has no mask registers: the tail's lanes are a
// vector, ck_lanes8); the backward's sums run in two chains (16 floats per step) where the AVX-512 kernel
// has one. See ck_layernorm.h for the contract; Tensor+LayerNorm.swift for the equations and the
// Swift fallback.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

/// v where `lanes` is active, else +0.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_zero_outside8(__m256i lanes, __m256 v) { return _mm256_and_ps(v, _mm256_castsi256_ps(lanes)); }

__attribute__((target("avx2,fma")))
void ck_layernorm_forward_avx2(ptrdiff_t rows, ptrdiff_t width, const float *x, const float *gain,
                               const float *bias, float epsilon, float *y, float *means, float *rstds) {
    const float inverseWidth = 1.0f / (float)width;
    const ptrdiff_t full = width & ~(ptrdiff_t)7, tail = width - full;   // the tail: 0...7 floats at `full`
    const __m256i k = ck_lanes8(tail);
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * width;
        float *out = y + r * width;
        // Pass 1: the mean.
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        ptrdiff_t j = 0;
        for (; j + 32 <= width; j += 32) {
            s0 = _mm256_add_ps(s0, _mm256_loadu_ps(row + j));
            s1 = _mm256_add_ps(s1, _mm256_loadu_ps(row + j + 8));
            s2 = _mm256_add_ps(s2, _mm256_loadu_ps(row + j + 16));
            s3 = _mm256_add_ps(s3, _mm256_loadu_ps(row + j + 24));
        }
        for (; j < full; j += 8) s0 = _mm256_add_ps(s0, _mm256_loadu_ps(row + j));
        if (tail > 0) s1 = _mm256_add_ps(s1, ck_load8(row + full, k));   // lanes past the end read 0
        const float mean = ck_reduce_add8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) * inverseWidth;
        const __m256 meanv = _mm256_set1_ps(mean);
        // Pass 2: the variance, around the mean.
        __m256 q0 = _mm256_setzero_ps(), q1 = _mm256_setzero_ps(), q2 = _mm256_setzero_ps(), q3 = _mm256_setzero_ps();
        for (j = 0; j + 32 <= width; j += 32) {
            const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(row + j), meanv);
            const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(row + j + 8), meanv);
            const __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(row + j + 16), meanv);
            const __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(row + j + 24), meanv);
            q0 = _mm256_fmadd_ps(d0, d0, q0);
            q1 = _mm256_fmadd_ps(d1, d1, q1);
            q2 = _mm256_fmadd_ps(d2, d2, q2);
            q3 = _mm256_fmadd_ps(d3, d3, q3);
        }
        for (; j < full; j += 8) {
            const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + j), meanv);
            q0 = _mm256_fmadd_ps(d, d, q0);
        }
        if (tail > 0) {   // lanes past the end would give (0 - mean)^2: zeroed
            const __m256 d = ck_zero_outside8(k, _mm256_sub_ps(ck_load8(row + full, k), meanv));
            q1 = _mm256_fmadd_ps(d, d, q1);
        }
        const float variance = ck_reduce_add8(_mm256_add_ps(_mm256_add_ps(q0, q1), _mm256_add_ps(q2, q3))) * inverseWidth;
        const float rstd = 1.0f / __builtin_sqrtf(variance + epsilon);
        const __m256 rstdv = _mm256_set1_ps(rstd);
        // Pass 3: y = gain * ((x - mean) * rstd) + bias.
        for (j = 0; j < full; j += 8) {
            const __m256 h = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + j), meanv), rstdv);
            _mm256_storeu_ps(out + j, _mm256_fmadd_ps(_mm256_loadu_ps(gain + j), h, _mm256_loadu_ps(bias + j)));
        }
        if (tail > 0) {
            const __m256 h = _mm256_mul_ps(_mm256_sub_ps(ck_load8(row + full, k), meanv), rstdv);
            ck_store8(out + full, k, _mm256_fmadd_ps(ck_load8(gain + full, k), h, ck_load8(bias + full, k)));
        }
        if (means) means[r] = mean;
        if (rstds) rstds[r] = rstd;
    }
}

/// Pass 1 of the backward on 8 floats at j (lanes outside `k` read 0 and are not stored): d = dy * gain
/// into the sums of d and of d * xhat; dgain += dy * xhat, dbias += dy.
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_layernorm_backward_sums8(const float *row, const float *g, const float *gain, float *dgain,
                                               float *dbias, __m256 meanv, __m256 rstdv, __m256i k, int masked,
                                               __m256 *sd, __m256 *sdx) {
    const __m256 xj = masked ? ck_load8(row, k) : _mm256_loadu_ps(row);
    const __m256 gj = masked ? ck_load8(g, k) : _mm256_loadu_ps(g);
    const __m256 gainj = masked ? ck_load8(gain, k) : _mm256_loadu_ps(gain);
    const __m256 dgainj = masked ? ck_load8(dgain, k) : _mm256_loadu_ps(dgain);
    const __m256 dbiasj = masked ? ck_load8(dbias, k) : _mm256_loadu_ps(dbias);
    const __m256 h = _mm256_mul_ps(_mm256_sub_ps(xj, meanv), rstdv);
    const __m256 d = _mm256_mul_ps(gj, gainj);   // 0 past the end, so those lanes add 0 (0 * h)
    *sd = _mm256_add_ps(*sd, d);
    *sdx = _mm256_fmadd_ps(d, h, *sdx);
    const __m256 newGain = _mm256_fmadd_ps(gj, h, dgainj), newBias = _mm256_add_ps(gj, dbiasj);
    if (masked) {
        ck_store8(dgain, k, newGain);
        ck_store8(dbias, k, newBias);
    } else {
        _mm256_storeu_ps(dgain, newGain);
        _mm256_storeu_ps(dbias, newBias);
    }
}

__attribute__((target("avx2,fma")))
void ck_layernorm_backward_avx2(ptrdiff_t rows, ptrdiff_t width, const float *dy, const float *x,
                                const float *means, const float *rstds, const float *gain, float *dx,
                                float *dgain, float *dbias) {
    const float inverseWidth = 1.0f / (float)width;
    const ptrdiff_t full = width & ~(ptrdiff_t)7, tail = width - full;   // the tail: 0...7 floats at `full`
    const __m256i k = ck_lanes8(tail);
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * width, *g = dy + r * width;
        float *out = dx + r * width;
        const __m256 meanv = _mm256_set1_ps(means[r]), rstdv = _mm256_set1_ps(rstds[r]);
        // Pass 1: sum d and d * xhat (d = dy * gain); dgain += dy * xhat, dbias += dy.
        // Two chains of sums (16 floats per step): one chain of fused multiply-adds bounded the loop.
        __m256 sd0 = _mm256_setzero_ps(), sdx0 = _mm256_setzero_ps(), sd1 = _mm256_setzero_ps(), sdx1 = _mm256_setzero_ps();
        ptrdiff_t j = 0;
        for (; j + 16 <= full; j += 16) {
            ck_layernorm_backward_sums8(row + j, g + j, gain + j, dgain + j, dbias + j, meanv, rstdv, k, 0, &sd0, &sdx0);
            ck_layernorm_backward_sums8(row + j + 8, g + j + 8, gain + j + 8, dgain + j + 8, dbias + j + 8, meanv, rstdv,
                                        k, 0, &sd1, &sdx1);
        }
        if (j < full) {
            ck_layernorm_backward_sums8(row + j, g + j, gain + j, dgain + j, dbias + j, meanv, rstdv, k, 0, &sd0, &sdx0);
        }
        if (tail > 0) {
            ck_layernorm_backward_sums8(row + full, g + full, gain + full, dgain + full, dbias + full, meanv, rstdv,
                                        k, 1, &sd1, &sdx1);
        }
        const __m256 meanD = _mm256_set1_ps(ck_reduce_add8(_mm256_add_ps(sd0, sd1)) * inverseWidth);
        const __m256 meanDX = _mm256_set1_ps(ck_reduce_add8(_mm256_add_ps(sdx0, sdx1)) * inverseWidth);
        // Pass 2: dx = rstd * (d - mean(d) - xhat * mean(d * xhat)).
        for (j = 0; j < full; j += 8) {
            const __m256 h = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + j), meanv), rstdv);
            const __m256 d = _mm256_mul_ps(_mm256_loadu_ps(g + j), _mm256_loadu_ps(gain + j));
            _mm256_storeu_ps(out + j, _mm256_mul_ps(rstdv, _mm256_fnmadd_ps(h, meanDX, _mm256_sub_ps(d, meanD))));
        }
        if (tail > 0) {
            const __m256 h = _mm256_mul_ps(_mm256_sub_ps(ck_load8(row + full, k), meanv), rstdv);
            const __m256 d = _mm256_mul_ps(ck_load8(g + full, k), ck_load8(gain + full, k));
            ck_store8(out + full, k, _mm256_mul_ps(rstdv, _mm256_fnmadd_ps(h, meanDX, _mm256_sub_ps(d, meanD))));
        }
    }
}

#else

void ck_layernorm_forward_avx2(ptrdiff_t rows, ptrdiff_t width, const float *x, const float *gain,
                               const float *bias, float epsilon, float *y, float *means, float *rstds) {
    (void)rows; (void)width; (void)x; (void)gain; (void)bias; (void)epsilon; (void)y; (void)means; (void)rstds;
    __builtin_trap();
}

void ck_layernorm_backward_avx2(ptrdiff_t rows, ptrdiff_t width, const float *dy, const float *x,
                                const float *means, const float *rstds, const float *gain, float *dx,
                                float *dgain, float *dbias) {
    (void)rows; (void)width; (void)dy; (void)x; (void)means; (void)rstds; (void)gain; (void)dx; (void)dgain;
    (void)dbias;
    __builtin_trap();
}

#endif
