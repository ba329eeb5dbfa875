/* tests/tools/usdt_sema.c — rl:guarded, a probe with a semaphore: the note records the address of
 * rl_guarded_semaphore (in .probes), a 16-bit count the kernel raises in every process that maps
 * this file while a uprobe with that ref_ctr_offset is placed, and lowers when it goes. The probe
 * fires only while the count is non-zero, the way sys/sdt.h's *_ENABLED() guards are used. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short rl_guarded_semaphore __attribute__((unused, section(".probes")));

__attribute__((noinline)) int rl_fire_guarded(int i)
{
	if (!*(volatile unsigned short *)&rl_guarded_semaphore)
		return 0;
	STAP_PROBE1(rl, guarded, i);
	return 1;
}

unsigned short rl_guarded_value(void)
{
	return *(volatile unsigned short *)&rl_guarded_semaphore;
}
