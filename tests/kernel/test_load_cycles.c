/* tests/kernel/test_load_cycles.c — long load/unload cycles leak nothing: 150 rounds of parse, load
 * (maps, BTF, programs with subprograms, map-in-map and a prog array), run once, close. Afterwards
 * the process holds the same fds, its resident memory has not grown by more than a little, and
 * none of the kernel objects it made remain. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"

#include "check.h"
#include "ktest.h"

/* VmRSS of this process in kB, 0 when unknown. */
static long rss_kb(void)
{
	char line[128];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

TEST(load_cycles_leak_nothing)
{
	KTEST_NEED_BPF();
	static const char *const objs[] = {"examples/show-ip.o", "build/progs/btf_maps.bpfel.o",
					   "build/progs/subprogs.bpfel.o", "build/progs/global_data.bpfel.o"};
	char pins[256];
	ktest_bpffs_dir(pins, sizeof(pins), "cycles");
	struct load_opts opts = {.pin_root = pins}; /* btf_maps pins flags_hash by name */
	FDS_BEGIN();
	long rss_before = 0;
	uint32_t last_prog_id = 0;
	for (int round = 0; round < 150; round++) {
		if (round == 10)
			rss_before = rss_kb(); /* after the allocator and caches settled */
		const char *rel = objs[round % 4];
		struct kobj k;
		int err = kobj_load(&k, rel, &opts);
		CHECK(err == 0, "round %d: %s: %s", round, rel, k.d.msg);
		if (!err) {
			uint8_t pkt[64] = {0};
			int fd = k.l.prog_fds[0];
			CHECK(ktest_run(fd, pkt, sizeof(pkt), 1) >= 0, "round %d: %s: test run", round, rel);
			last_prog_id = ktest_prog_id(fd);
		}
		kobj_close(&k);
		if (test_failed_checks)
			break;
	}
	long grown = rss_kb() - rss_before;
	CHECK(grown < 256, "resident memory grew by %ld kB over 140 rounds", grown);
	FDS_END();
	/* The last program is gone once the kernel has run its deferred frees. */
	int gone = 0;
	for (int i = 0; i < 100 && !gone; i++) {
		int fd = sys_prog_fd_by_id(last_prog_id);
		gone = fd < 0;
		if (fd >= 0) {
			close(fd);
			usleep(10000);
		}
	}
	CHECK(gone, "program id %u still exists after close", last_prog_id);
	ktest_rm_bpffs_tree(pins);
}
