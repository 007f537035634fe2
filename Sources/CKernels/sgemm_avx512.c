// The AVX-512 GEMM micro-kernel (12 x 32 tiles), for CPUs that have AVX-512F (Intel Skylake-SP and
// later, AMD Zen 4 and later). Only this function carries target("avx512f"); Swift calls it only after
// ck_cpu_has_avx512f().

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

int ck_cpu_has_avx512f(void) {
    // CPUID plus the OS saving the ZMM registers (XGETBV), as compiler-rt checks.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}

#define CK_MR 12
#define CK_NR 32

__attribute__((target("avx512f,fma")))
void ck_sgemm_12x32_avx512(ptrdiff_t k, const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA,
                           const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                           ptrdiff_t columns, int accumulate) {
    // Lanes past `columns` are masked off in the loads of B (so B may be read in place at a matrix edge)
    // and in the stores of C.
    const __mmask16 mask0 = columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << columns) - 1);
    const __mmask16 mask1 = columns >= 32 ? (__mmask16)0xFFFF
                          : columns <= 16 ? (__mmask16)0 : (__mmask16)((1u << (columns - 16)) - 1);

    // Rows past the edge read the last real row again (valid memory); their sums are never stored.
    const float *rowA[CK_MR];
    for (int i = 0; i < CK_MR; i++) rowA[i] = a + (i < rows ? i : rows - 1) * rowStrideA;

    for (ptrdiff_t i = 0; i < rows; i++) {      // the C tile is needed after the loop: fetch it now
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 31), _MM_HINT_T0);
    }

    __m512 sum[CK_MR][2];
    for (int i = 0; i < CK_MR; i++) sum[i][0] = sum[i][1] = _mm512_setzero_ps();

    // C[i, 0:32] += A(i, p) * B[p, 0:32] for the 12 rows: 24 FMAs per step, 2 loads, 12 broadcasts.
#define CK_STEP(A, p)                                                             \
    do {                                                                          \
        const __m512 b0 = _mm512_maskz_loadu_ps(mask0, b + (p) * ldb);            \
        const __m512 b1 = _mm512_maskz_loadu_ps(mask1, b + (p) * ldb + 16);       \
        _Pragma("clang loop unroll(full)")                                        \
        for (int i = 0; i < CK_MR; i++) {                                         \
            const __m512 x = _mm512_set1_ps(*A(i, p));                            \
            sum[i][0] = _mm512_fmadd_ps(x, b0, sum[i][0]);                        \
            sum[i][1] = _mm512_fmadd_ps(x, b1, sum[i][1]);                        \
        }                                                                         \
    } while (0)

    ptrdiff_t p = 0;
    if (rowStrideA == 1 && rows == CK_MR) {
        // A column of the tile is 12 consecutive floats (a packed panel, or A^T read in place).
#define CK_A(i, q) (a + (q) * columnStrideA + (i))
        for (; p + 2 <= k; p += 2) {
            CK_STEP(CK_A, 0); CK_STEP(CK_A, 1);
            a += 2 * columnStrideA;
            b += 2 * ldb;
        }
        for (; p < k; p++) {
            CK_STEP(CK_A, 0);
            a += columnStrideA;
            b += ldb;
        }
#undef CK_A
    } else if (columnStrideA == 1) {
        // A row of the tile is contiguous (A read in place): twelve row pointers, one shared index.
#define CK_A(i, q) (rowA[i] + p + (q))
        for (; p + 2 <= k; p += 2) {
            CK_STEP(CK_A, 0); CK_STEP(CK_A, 1);
            b += 2 * ldb;
        }
        for (; p < k; p++) {
            CK_STEP(CK_A, 0);
            b += ldb;
        }
#undef CK_A
    } else {
        // Any other layout (an edge tile of A^T read in place).
#define CK_A(i, q) (rowA[i] + (p + (q)) * columnStrideA)
        for (; p < k; p++) {
            CK_STEP(CK_A, 0);
            b += ldb;
        }
#undef CK_A
    }
#undef CK_STEP

    // Store the first `rows` rows; lanes past `columns` are masked off (no access at all).
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < CK_MR; i++) {
        if (i >= rows) break;
        float *row = c + i * ldc;
        __m512 s0 = sum[i][0], s1 = sum[i][1];
        if (accumulate) {
            s0 = _mm512_add_ps(_mm512_maskz_loadu_ps(mask0, row), s0);
            s1 = _mm512_add_ps(_mm512_maskz_loadu_ps(mask1, row + 16), s1);
        }
        _mm512_mask_storeu_ps(row, mask0, s0);
        _mm512_mask_storeu_ps(row + 16, mask1, s1);
    }
}

#else   // not x86-64: no AVX-512; Swift uses another kernel.

int ck_cpu_has_avx512f(void) { return 0; }

void ck_sgemm_12x32_avx512(ptrdiff_t k, const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA,
                           const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                           ptrdiff_t columns, int accumulate) {
    (void)k; (void)a; (void)rowStrideA; (void)columnStrideA; (void)b; (void)ldb; (void)c; (void)ldc;
    (void)rows; (void)columns; (void)accumulate;
    __builtin_trap();
}

#endif
