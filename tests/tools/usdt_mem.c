/* tests/tools/usdt_mem.c — rl:mem, with its operands forced into memory: sys/sdt.h takes the
 * constraint from STAP_SDT_ARG_CONSTRAINT, "m" here, so the notes say "-4@-20(%rbp)" or
 * "-2@14(%rsp)" and the BPF side reads user memory at a register plus a displacement. */
#define STAP_SDT_ARG_CONSTRAINT m
#include <sys/sdt.h>

__attribute__((noinline)) int rl_fire_mem(int i)
{
	volatile int v = i;
	volatile short w = (short)-i;
	STAP_PROBE2(rl, mem, v, w);
	return v + w;
}
