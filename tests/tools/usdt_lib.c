/* tests/tools/usdt_lib.c — libusdt_lib.so: rl_lib:hit, a USDT probe in a shared library (ET_DYN,
 * loaded at a different address in every process: only a BPF cookie can tell its spec). */
#include <sys/sdt.h>

__attribute__((noinline)) void rl_lib_fire(int i)
{
	STAP_PROBE2(rl_lib, hit, i, (long)i * 3);
	__asm__ volatile("" ::: "memory");
}
