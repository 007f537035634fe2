// The exact GELU and its derivative, 8 elements at a time with AVX2 + FMA (the tail with masked loads and
// stores): the steps of gelu_avx512.c on 8 lanes. See ck_gelu.h and Kernels+GELU.swift.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

/// 2 Phi(x) = 1 + erf(x / sqrt 2) lane by lane, as ck_twice_phi16 (gelu_avx512.c).
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_twice_phi8(__m256 x) {
    const __m256 z = _mm256_mul_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), x), _mm256_set1_ps(0.70710678f));
    const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(z, _mm256_set1_ps(0.5f), _mm256_set1_ps(1.0f)));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    const __m256 erfc = _mm256_mul_ps(t, ck_exp8(_mm256_fnmadd_ps(z, z, p)));
    const __m256 nonNegative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
    return _mm256_blendv_ps(erfc, _mm256_sub_ps(_mm256_set1_ps(2.0f), erfc), nonNegative);
}

__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_gelu8(__m256 x) {
    return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), ck_twice_phi8(x));
}

/// g (Phi(x) + x phi(x)), as ck_gelu_backward_avx512.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_gelu_slope8(__m256 x, __m256 g) {
    const __m256 density = ck_exp8(_mm256_mul_ps(_mm256_mul_ps(x, x), _mm256_set1_ps(-0.5f)));
    const __m256 xPhi = _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.39894228f)), density);   // x phi(x)
    return _mm256_mul_ps(g, _mm256_fmadd_ps(ck_twice_phi8(x), _mm256_set1_ps(0.5f), xPhi));
}

__attribute__((target("avx2,fma")))
void ck_gelu_avx2(ptrdiff_t count, const float *x, float *y) {
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, ck_gelu8(_mm256_loadu_ps(x + i)));
    if (i < count) {
        const __m256i lanes = ck_lanes8(count - i);
        ck_store8(y + i, lanes, ck_gelu8(ck_load8(x + i, lanes)));
    }
}

__attribute__((target("avx2,fma")))
void ck_gelu_backward_avx2(ptrdiff_t count, const float *x, const float *g, float *dx) {
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm256_storeu_ps(dx + i, ck_gelu_slope8(_mm256_loadu_ps(x + i), _mm256_loadu_ps(g + i)));
    }
    if (i < count) {
        const __m256i lanes = ck_lanes8(count - i);
        ck_store8(dx + i, lanes, ck_gelu_slope8(ck_load8(x + i, lanes), ck_load8(g + i, lanes)));
    }
}

#else

void ck_gelu_avx2(ptrdiff_t count, const float *x, float *y) {
    (void)count; (void)x; (void)y;
    __builtin_trap();
}

void ck_gelu_backward_avx2(ptrdiff_t count, const float *x, const float *g, float *dx) {
    (void)count; (void)x; (void)g; (void)dx;
    __builtin_trap();
}

#endif
