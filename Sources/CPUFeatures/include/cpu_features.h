#ifndef RUNBOOK_CPU_FEATURES_H
#define RUNBOOK_CPU_FEATURES_H
/// Nonzero when the CPU (and the operating system) support AVX-512 F.
int runbook_cpu_has_avx512f(void);
#endif
