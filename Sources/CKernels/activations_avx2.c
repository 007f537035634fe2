// tanh, sigmoid and SiLU, 8 elements at a time with AVX2 + FMA (the tail with masked loads and stores): the
// steps of activations_avx512.c on 8 lanes. See ck_activations.h and Kernels+Activations.swift.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_tanh8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    const __m256 z = _mm256_andnot_ps(signBit, x);
    const __m256 s = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(2.06390887954e-2f));
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(-5.37397155531e-2f));
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(1.33314422036e-1f));
    p = _mm256_fmadd_ps(p, s, _mm256_set1_ps(-3.33332819422e-1f));
    const __m256 near = _mm256_fmadd_ps(_mm256_mul_ps(p, s), x, x);            // |x| < 0.625
    const __m256 e = ck_exp8(_mm256_add_ps(z, z));
    const __m256 far = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));   // >= 0
    const __m256 signedFar = _mm256_or_ps(far, _mm256_and_ps(signBit, x));
    return _mm256_blendv_ps(signedFar, near, _mm256_cmp_ps(z, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_sigmoid8(__m256 x) {
    const __m256 e = ck_exp8(_mm256_or_ps(x, _mm256_set1_ps(-0.0f)));   // e^-|x|
    const __m256 r = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f)));
    return _mm256_blendv_ps(_mm256_mul_ps(e, r), r, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
}

__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_silu8(__m256 x) { return _mm256_mul_ps(x, ck_sigmoid8(x)); }

#define CK_ELEMENTWISE8(NAME, FUNCTION)                                                                     \
    __attribute__((target("avx2,fma")))                                                                    \
    void NAME(ptrdiff_t count, const float *x, float *y) {                                                 \
        ptrdiff_t i = 0;                                                                                   \
        for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, FUNCTION(_mm256_loadu_ps(x + i)));         \
        if (i < count) {                                                                                   \
            const __m256i lanes = ck_lanes8(count - i);                                                    \
            ck_store8(y + i, lanes, FUNCTION(ck_load8(x + i, lanes)));                                     \
        }                                                                                                  \
    }

CK_ELEMENTWISE8(ck_tanh_avx2, ck_tanh8)
CK_ELEMENTWISE8(ck_sigmoid_avx2, ck_sigmoid8)
CK_ELEMENTWISE8(ck_silu_avx2, ck_silu8)

/// g s (1 + x (1 - s)), s = sigmoid(x), with 1 - s = sigmoid(-x).
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_silu_slope8(__m256 x, __m256 g) {
    const __m256 one = _mm256_set1_ps(1.0f);
    // s and 1 - s = sigmoid(-x) from the same e = e^-|x|, r = 1 / (1 + e), as on AVX-512.
    const __m256 e = ck_exp8(_mm256_or_ps(x, _mm256_set1_ps(-0.0f)));
    const __m256 r = _mm256_div_ps(one, _mm256_add_ps(e, one));
    const __m256 nonNegative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
    const __m256 s = _mm256_blendv_ps(_mm256_mul_ps(e, r), r, nonNegative);
    const __m256 c = _mm256_blendv_ps(r, _mm256_mul_ps(e, r), nonNegative);
    return _mm256_mul_ps(g, _mm256_mul_ps(s, _mm256_fmadd_ps(x, c, one)));
}

__attribute__((target("avx2,fma")))
void ck_silu_backward_avx2(ptrdiff_t count, const float *x, const float *g, float *dx) {
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dx + i, ck_silu_slope8(_mm256_loadu_ps(x + i), _mm256_loadu_ps(g + i)));
    if (i < count) {
        const __m256i lanes = ck_lanes8(count - i);
        ck_store8(dx + i, lanes, ck_silu_slope8(ck_load8(x + i, lanes), ck_load8(g + i, lanes)));
    }
}

#else

void ck_tanh_avx2(ptrdiff_t count, const float *x, float *y) { (void)count; (void)x; (void)y; __builtin_trap(); }
void ck_sigmoid_avx2(ptrdiff_t count, const float *x, float *y) { (void)count; (void)x; (void)y; __builtin_trap(); }
void ck_silu_avx2(ptrdiff_t count, const float *x, float *y) { (void)count; (void)x; (void)y; __builtin_trap(); }
void ck_silu_backward_avx2(ptrdiff_t count, const float *x, const float *g, float *dx) {
    (void)count; (void)x; (void)g; (void)dx;
    __builtin_trap();
}

#endif
