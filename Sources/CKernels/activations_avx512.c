// tanh, sigmoid and SiLU, 16 elements at a time with AVX-512 (the tail with masked loads and stores): the
// steps of Kernels.activationSIMD8 (Kernels+Activations.swift) with fused multiply-adds. See
// ck_activations.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"

__attribute__((target("avx512f,fma"), always_inline))
static inline __m512 ck_tanh16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 z = _mm512_abs_ps(x);
    const __m512 s = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
    p = _mm512_fmadd_ps(p, s, _mm512_set1_ps(2.06390887954e-2f));
    p = _mm512_fmadd_ps(p, s, _mm512_set1_ps(-5.37397155531e-2f));
    p = _mm512_fmadd_ps(p, s, _mm512_set1_ps(1.33314422036e-1f));
    p = _mm512_fmadd_ps(p, s, _mm512_set1_ps(-3.33332819422e-1f));
    const __m512 near = _mm512_fmadd_ps(_mm512_mul_ps(p, s), x, x);            // |x| < 0.625
    const __m512 e = ck_exp16(_mm512_add_ps(z, z));
    const __m512 far = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));   // >= 0
    const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u));
    const __m512 signedFar = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(far), sign));
    const __mmask16 isNear = _mm512_cmp_ps_mask(z, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(isNear, signedFar, near);
}

__attribute__((target("avx512f,fma"), always_inline))
static inline __m512 ck_sigmoid16(__m512 x) {
    const __m512 e = ck_exp16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(x)));   // e^-|x|
    const __m512 r = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
    const __mmask16 nonNegative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mask_blend_ps(nonNegative, _mm512_mul_ps(e, r), r);
}

#define CK_ELEMENTWISE16(NAME, BODY)                                                                        \
    __attribute__((target("avx512f,fma")))                                                                 \
    void NAME(ptrdiff_t count, const float *x, float *y) {                                                 \
        for (ptrdiff_t i = 0; i < count; i += 16) {                                                        \
            const __mmask16 k = ck_lanes(count - i);                                                       \
            const __m512 v = _mm512_maskz_loadu_ps(k, x + i);                                              \
            _mm512_mask_storeu_ps(y + i, k, BODY);                                                         \
        }                                                                                                  \
    }

CK_ELEMENTWISE16(ck_tanh_avx512, ck_tanh16(v))
CK_ELEMENTWISE16(ck_sigmoid_avx512, ck_sigmoid16(v))
CK_ELEMENTWISE16(ck_silu_avx512, _mm512_mul_ps(v, ck_sigmoid16(v)))

__attribute__((target("avx512f,fma")))
void ck_silu_backward_avx512(ptrdiff_t count, const float *x, const float *g, float *dx) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (ptrdiff_t i = 0; i < count; i += 16) {
        const __mmask16 k = ck_lanes(count - i);
        const __m512 v = _mm512_maskz_loadu_ps(k, x + i);
        // s = sigmoid(x) and 1 - s = sigmoid(-x) from the same e = e^-|x|, r = 1 / (1 + e) (1 - s from s
        // would lose the digits of x (1 - s) for large x).
        const __m512 e = ck_exp16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(v)));
        const __m512 r = _mm512_div_ps(one, _mm512_add_ps(e, one));
        const __mmask16 nonNegative = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GE_OQ);
        const __m512 s = _mm512_mask_blend_ps(nonNegative, _mm512_mul_ps(e, r), r);
        const __m512 c = _mm512_mask_blend_ps(nonNegative, r, _mm512_mul_ps(e, r));
        const __m512 slope = _mm512_mul_ps(s, _mm512_fmadd_ps(v, c, one));
        _mm512_mask_storeu_ps(dx + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, g + i), slope));
    }
}

#else

void ck_tanh_avx512(ptrdiff_t count, const float *x, float *y) { (void)count; (void)x; (void)y; __builtin_trap(); }
void ck_sigmoid_avx512(ptrdiff_t count, const float *x, float *y) { (void)count; (void)x; (void)y; __builtin_trap(); }
void ck_silu_avx512(ptrdiff_t count, const float *x, float *y) { (void)count; (void)x; (void)y; __builtin_trap(); }
void ck_silu_backward_avx512(ptrdiff_t count, const float *x, const float *g, float *dx) {
    (void)count; (void)x; (void)g; (void)dx;
    __builtin_trap();
}

#endif
