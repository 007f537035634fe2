// The AVX2 + FMA GEMM micro-kernel. Compiled for the baseline CPU like the rest of the package; only
// these functions carry target("avx2,fma"), and Swift calls them only after ck_cpu_has_avx2_fma().

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

int ck_cpu_has_avx2_fma(void) {
    // Checks the CPUID bits and that the OS saves the YMM registers (XGETBV), as compiler-rt does.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#define CK_MR 6
#define CK_NR 16

__attribute__((target("avx2,fma")))
void ck_sgemm_6x16_avx2(ptrdiff_t k, const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA,
                        const float *b, float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t columns,
                        int accumulate) {
    // Rows past the edge read the last real row again (valid memory); their sums are never stored.
    const float *a0 = a;
    const float *a1 = a + (rows > 1 ? 1 : 0) * rowStrideA;
    const float *a2 = a + (rows > 2 ? 2 : rows - 1) * rowStrideA;
    const float *a3 = a + (rows > 3 ? 3 : rows - 1) * rowStrideA;
    const float *a4 = a + (rows > 4 ? 4 : rows - 1) * rowStrideA;
    const float *a5 = a + (rows > 5 ? 5 : rows - 1) * rowStrideA;

    for (ptrdiff_t i = 0; i < rows; i++) {      // the C tile is needed after the loop: fetch it now
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }

    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();

    // C[i, 0:16] += A(i, p) * B[p, 0:16] for the 6 rows: 12 FMAs per step, 2 loads, 6 broadcasts.
#define CK_STEP(A, p)                                                             \
    do {                                                                          \
        const __m256 b0 = _mm256_loadu_ps(b + (p) * CK_NR);                       \
        const __m256 b1 = _mm256_loadu_ps(b + (p) * CK_NR + 8);                   \
        __m256 x = _mm256_broadcast_ss(A(0, p));                                  \
        c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);     \
        x = _mm256_broadcast_ss(A(1, p));                                         \
        c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);     \
        x = _mm256_broadcast_ss(A(2, p));                                         \
        c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);     \
        x = _mm256_broadcast_ss(A(3, p));                                         \
        c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);     \
        x = _mm256_broadcast_ss(A(4, p));                                         \
        c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);     \
        x = _mm256_broadcast_ss(A(5, p));                                         \
        c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);     \
    } while (0)

    ptrdiff_t p = 0;
    if (rowStrideA == 1 && rows == CK_MR) {
        // A column of the tile is 6 consecutive floats (a packed panel, or A^T read in place).
#define CK_A(i, p) (a + (p) * columnStrideA + (i))
        for (; p + 4 <= k; p += 4) {
            CK_STEP(CK_A, 0); CK_STEP(CK_A, 1); CK_STEP(CK_A, 2); CK_STEP(CK_A, 3);
            a += 4 * columnStrideA;
            b += 4 * CK_NR;
        }
        for (; p < k; p++) {
            CK_STEP(CK_A, 0);
            a += columnStrideA;
            b += CK_NR;
        }
#undef CK_A
    } else if (columnStrideA == 1) {
        // A row of the tile is contiguous (A read in place): six row pointers, one shared index.
#define CK_A(i, q) (a##i + p + (q))
        for (; p + 4 <= k; p += 4) {
            CK_STEP(CK_A, 0); CK_STEP(CK_A, 1); CK_STEP(CK_A, 2); CK_STEP(CK_A, 3);
            b += 4 * CK_NR;
        }
        for (; p < k; p++) {
            CK_STEP(CK_A, 0);
            b += CK_NR;
        }
#undef CK_A
    } else {
        // Any other layout (an edge tile of A^T read in place).
#define CK_A(i, q) (a##i + (p + (q)) * columnStrideA)
        for (; p < k; p++) {
            CK_STEP(CK_A, 0);
            b += CK_NR;
        }
#undef CK_A
    }
#undef CK_STEP

    if (rows == CK_MR && columns == CK_NR) {
#define CK_STORE(i)                                                                           \
        do {                                                                                  \
            float *row = c + (i) * ldc;                                                       \
            if (accumulate) {                                                                 \
                c##i##0 = _mm256_add_ps(_mm256_loadu_ps(row), c##i##0);                       \
                c##i##1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), c##i##1);                   \
            }                                                                                 \
            _mm256_storeu_ps(row, c##i##0);                                                   \
            _mm256_storeu_ps(row + 8, c##i##1);                                               \
        } while (0)
        CK_STORE(0); CK_STORE(1); CK_STORE(2); CK_STORE(3); CK_STORE(4); CK_STORE(5);
#undef CK_STORE
        return;
    }

    // Edge tile: masked loads and stores of the first `columns` lanes, for the first `rows` rows.
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)columns), lane);
    const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)columns - 8), lane);
#define CK_STORE_EDGE(i)                                                                      \
    do {                                                                                      \
        if ((i) < rows) {                                                                     \
            float *row = c + (i) * ldc;                                                       \
            if (accumulate) {                                                                 \
                c##i##0 = _mm256_add_ps(_mm256_maskload_ps(row, mask0), c##i##0);             \
                c##i##1 = _mm256_add_ps(_mm256_maskload_ps(row + 8, mask1), c##i##1);         \
            }                                                                                 \
            _mm256_maskstore_ps(row, mask0, c##i##0);                                         \
            _mm256_maskstore_ps(row + 8, mask1, c##i##1);                                     \
        }                                                                                     \
    } while (0)
    CK_STORE_EDGE(0); CK_STORE_EDGE(1); CK_STORE_EDGE(2); CK_STORE_EDGE(3); CK_STORE_EDGE(4); CK_STORE_EDGE(5);
#undef CK_STORE_EDGE
}

#else   // not x86-64: no AVX2; Swift uses its portable kernel.

int ck_cpu_has_avx2_fma(void) { return 0; }

void ck_sgemm_6x16_avx2(ptrdiff_t k, const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA,
                        const float *b, float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t columns,
                        int accumulate) {
    (void)k; (void)a; (void)rowStrideA; (void)columnStrideA; (void)b; (void)c; (void)ldc;
    (void)rows; (void)columns; (void)accumulate;
    __builtin_trap();
}

#endif
