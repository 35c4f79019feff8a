/*
 * Preloaded by amem's launcher on AMD CPUs (scripts/amem-env.sh, AMEM_MKL_DISPATCH): makes the Intel MKL inside
 * DJL's libtorch choose its matrix kernels by the CPU's instruction sets, as it does on Intel CPUs.
 *
 * Why: MKL asks mkl_serv_intel_cpu_true() whether the CPU is an Intel one and, when it is not, takes a generic
 * code path whatever instruction sets the CPU has. On the 2-core AMD EPYC (AVX-512) development VM that path ran
 * the GPT-2 peer shape's logits product (768 x 128 by 128 x 50,257) at 89 ms instead of 48 ms and the 2048^2
 * matmul peak at 187 instead of 223 GFLOP/s (docs/PERFORMANCE.md, "MKL on AMD CPUs", measured side by side).
 * libtorch_cpu.so exports the function and calls it through its PLT, so a preloaded definition replaces it.
 * MKL then dispatches on the CPUID feature bits, so it only runs instructions the CPU reports; the whole test
 * suite and the GPT-2 parity checks pass with it loaded.
 *
 * Build: cc -shared -fPIC -O2 -o libamem-mkl-isa-dispatch.so mkl-isa-dispatch.c (the launcher does this once).
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
