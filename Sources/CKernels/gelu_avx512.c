// The exact GELU and its derivative, 16 elements at a time with AVX-512 (the tail with masked loads and
// stores). The steps are Kernels.geluSIMD8's (Kernels+GELU.swift has the equations and the error bound),
// with fused multiply-adds. See ck_gelu.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"

/// 2 Phi(x) = 1 + erf(x / sqrt 2) lane by lane: z = |x| / sqrt 2, t = 1 / (1 + z / 2),
/// erfc(z) = t exp(-z^2 + P(t)) (Numerical Recipes' erfcc), then 2 - erfc(z) for x >= 0 and erfc(z) below.
__attribute__((target("avx512f,fma"), always_inline))
static inline __m512 ck_twice_phi16(__m512 x) {
    const __m512 z = _mm512_mul_ps(_mm512_abs_ps(x), _mm512_set1_ps(0.70710678f));
    const __m512 t = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_fmadd_ps(z, _mm512_set1_ps(0.5f), _mm512_set1_ps(1.0f)));
    __m512 p = _mm512_set1_ps(0.17087277f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.82215223f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.48851587f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.13520398f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.27886807f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.18628806f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.09678418f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.37409196f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.00002368f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.26551223f));
    const __m512 erfc = _mm512_mul_ps(t, ck_exp16(_mm512_fnmadd_ps(z, z, p)));
    const __mmask16 nonNegative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mask_sub_ps(erfc, nonNegative, _mm512_set1_ps(2.0f), erfc);
}

__attribute__((target("avx512f,fma")))
void ck_gelu_avx512(ptrdiff_t count, const float *x, float *y) {
    for (ptrdiff_t i = 0; i < count; i += 16) {
        const __mmask16 k = ck_lanes(count - i);
        const __m512 xi = _mm512_maskz_loadu_ps(k, x + i);
        const __m512 half = _mm512_mul_ps(xi, _mm512_set1_ps(0.5f));
        _mm512_mask_storeu_ps(y + i, k, _mm512_mul_ps(half, ck_twice_phi16(xi)));
    }
}

__attribute__((target("avx512f,fma")))
void ck_gelu_backward_avx512(ptrdiff_t count, const float *x, const float *g, float *dx) {
    for (ptrdiff_t i = 0; i < count; i += 16) {
        const __mmask16 k = ck_lanes(count - i);
        const __m512 xi = _mm512_maskz_loadu_ps(k, x + i);
        const __m512 density = ck_exp16(_mm512_mul_ps(_mm512_mul_ps(xi, xi), _mm512_set1_ps(-0.5f)));
        const __m512 xPhi = _mm512_mul_ps(_mm512_mul_ps(xi, _mm512_set1_ps(0.39894228f)), density);   // x phi(x)
        const __m512 slope = _mm512_fmadd_ps(ck_twice_phi16(xi), _mm512_set1_ps(0.5f), xPhi);
        _mm512_mask_storeu_ps(dx + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, g + i), slope));
    }
}

#else

void ck_gelu_avx512(ptrdiff_t count, const float *x, float *y) {
    (void)count; (void)x; (void)y;
    __builtin_trap();
}

void ck_gelu_backward_avx512(ptrdiff_t count, const float *x, const float *g, float *dx) {
    (void)count; (void)x; (void)g; (void)dx;
    __builtin_trap();
}

#endif
