// Layer normalization rows, 16 lanes at a time with AVX-512 (the row tail with masked loads and stores).
// See ck_layernorm.h for the contract; Tensor+LayerNorm.swift for the equations and the Swift fallback.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"


__attribute__((target("avx512f")))
void ck_layernorm_forward_avx512(ptrdiff_t rows, ptrdiff_t width, const float *x, const float *gain,
                                 const float *bias, float epsilon, float *y, float *means, float *rstds) {
    const float inverseWidth = 1.0f / (float)width;
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * width;
        float *out = y + r * width;
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        ptrdiff_t j = 0;
        for (; j + 32 <= width; j += 32) {
            s0 = _mm512_add_ps(s0, _mm512_loadu_ps(row + j));
            s1 = _mm512_add_ps(s1, _mm512_loadu_ps(row + j + 16));
        }
        for (; j < width; j += 16) s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(ck_lanes(width - j), row + j));
        const float mean = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)) * inverseWidth;
        const __m512 meanv = _mm512_set1_ps(mean);
        __m512 q0 = _mm512_setzero_ps(), q1 = _mm512_setzero_ps();
        for (j = 0; j + 32 <= width; j += 32) {
            const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(row + j), meanv);
            const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(row + j + 16), meanv);
            q0 = _mm512_fmadd_ps(d0, d0, q0);
            q1 = _mm512_fmadd_ps(d1, d1, q1);
        }
        for (; j < width; j += 16) {
            const __mmask16 k = ck_lanes(width - j);
            const __m512 d = _mm512_maskz_sub_ps(k, _mm512_maskz_loadu_ps(k, row + j), meanv);
            q0 = _mm512_fmadd_ps(d, d, q0);
        }
        const float variance = _mm512_reduce_add_ps(_mm512_add_ps(q0, q1)) * inverseWidth;
        const float rstd = 1.0f / __builtin_sqrtf(variance + epsilon);
        const __m512 rstdv = _mm512_set1_ps(rstd);
        for (j = 0; j < width; j += 16) {
            const __mmask16 k = ck_lanes(width - j);
            const __m512 h = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, row + j), meanv), rstdv);
            const __m512 v = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, gain + j), h, _mm512_maskz_loadu_ps(k, bias + j));
            _mm512_mask_storeu_ps(out + j, k, v);
        }
        if (means) means[r] = mean;
        if (rstds) rstds[r] = rstd;
    }
}

__attribute__((target("avx512f")))
void ck_layernorm_backward_avx512(ptrdiff_t rows, ptrdiff_t width, const float *dy, const float *x,
                                  const float *means, const float *rstds, const float *gain, float *dx,
                                  float *dgain, float *dbias) {
    const float inverseWidth = 1.0f / (float)width;
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * width, *g = dy + r * width;
        float *out = dx + r * width;
        const __m512 meanv = _mm512_set1_ps(means[r]), rstdv = _mm512_set1_ps(rstds[r]);
        // Pass 1: sum d and d * xhat (d = dy * gain); dgain += dy * xhat, dbias += dy.
        __m512 sd = _mm512_setzero_ps(), sdx = _mm512_setzero_ps();
        for (ptrdiff_t j = 0; j < width; j += 16) {
            const __mmask16 k = ck_lanes(width - j);
            const __m512 h = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, row + j), meanv), rstdv);
            const __m512 gj = _mm512_maskz_loadu_ps(k, g + j);
            const __m512 d = _mm512_mul_ps(gj, _mm512_maskz_loadu_ps(k, gain + j));
            sd = _mm512_add_ps(sd, d);
            sdx = _mm512_fmadd_ps(d, h, sdx);
            _mm512_mask_storeu_ps(dgain + j, k, _mm512_fmadd_ps(gj, h, _mm512_maskz_loadu_ps(k, dgain + j)));
            _mm512_mask_storeu_ps(dbias + j, k, _mm512_add_ps(gj, _mm512_maskz_loadu_ps(k, dbias + j)));
        }
        const __m512 meanD = _mm512_set1_ps(_mm512_reduce_add_ps(sd) * inverseWidth);
        const __m512 meanDX = _mm512_set1_ps(_mm512_reduce_add_ps(sdx) * inverseWidth);
        // Pass 2: dx = rstd * (d - mean(d) - xhat * mean(d * xhat)).
        for (ptrdiff_t j = 0; j < width; j += 16) {
            const __mmask16 k = ck_lanes(width - j);
            const __m512 h = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, row + j), meanv), rstdv);
            const __m512 d = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, g + j), _mm512_maskz_loadu_ps(k, gain + j));
            const __m512 v = _mm512_mul_ps(rstdv, _mm512_fnmadd_ps(h, meanDX, _mm512_sub_ps(d, meanD)));
            _mm512_mask_storeu_ps(out + j, k, v);
        }
    }
}

#else

void ck_layernorm_forward_avx512(ptrdiff_t rows, ptrdiff_t width, const float *x, const float *gain,
                                 const float *bias, float epsilon, float *y, float *means, float *rstds) {
    (void)rows; (void)width; (void)x; (void)gain; (void)bias; (void)epsilon; (void)y; (void)means; (void)rstds;
    __builtin_trap();
}

void ck_layernorm_backward_avx512(ptrdiff_t rows, ptrdiff_t width, const float *dy, const float *x,
                                  const float *means, const float *rstds, const float *gain, float *dx,
                                  float *dgain, float *dbias) {
    (void)rows; (void)width; (void)dy; (void)x; (void)means; (void)rstds; (void)gain; (void)dx; (void)dgain;
    (void)dbias;
    __builtin_trap();
}

#endif
