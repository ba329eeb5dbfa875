/* tests/kernel/test_hidden_func.c — a __hidden global function verified in its caller's context:
 * hidden_func.bpf.c's add_frame dereferences its argument without a NULL check, which only the
 * caller's context justifies. Loaded as rawload hands its BTF over (static linkage for hidden
 * functions) it runs and counts exactly; with the FUNC's linkage put back to global the verifier
 * refuses it, naming the unchecked access. Root only; nothing is attached. */
#include "ktest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/sys.h"

#define HIDDEN "build/progs/hidden_func.bpfel.o"

TEST(hidden_func_runs_in_callers_context)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[256];
	int err = kobj_load(&k, HIDDEN, NULL);
	CHECK(err == 0, "load: %s%s", k.d.msg, k.l.verifier_log ? k.l.verifier_log : "");
	int prog = kobj_prog_fd(&k, "count_hidden"), map = kobj_map_fd(&k, "counts"),
	    bss = kobj_map_fd(&k, "hidden_f.bss");
	if (err || prog < 0 || map < 0 || bss < 0)
		goto out;
	/* Three frames of 100 bytes, then two of 42: packets 5, bytes 384; 60 bytes or more pass. */
	size_t big = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 100 - 42);
	CHECK(big == 100, "frame of %zu bytes", big);
	for (int i = 0; i < 3; i++)
		CHECK(ktest_run(prog, pkt, big, 1) == XDP_PASS, "100-byte frame: not XDP_PASS");
	for (int i = 0; i < 2; i++)
		CHECK(ktest_run(prog, pkt, 42, 1) == XDP_DROP, "42-byte frame: not XDP_DROP");
	uint64_t v[2] = {~0ull, ~0ull}, g[2] = {~0ull, ~0ull};
	uint32_t key = 0;
	CHECK(sys_map_lookup(map, &key, v, 0) == 0, "lookup counts[0]");
	CHECK(v[0] == 5 && v[1] == 3 * 100 + 2 * 42, "counts[0] = {packets %llu, bytes %llu}, expected {5, 384}",
	      (unsigned long long)v[0], (unsigned long long)v[1]);
	/* .bss: hidden_total (bytes) at 0, seen_total (calls of the visible function) at 8. */
	CHECK(sys_map_lookup(bss, &key, g, 0) == 0, "lookup .bss");
	CHECK(g[0] == 384 && g[1] == 5, ".bss: hidden_total %llu, seen_total %llu, expected 384 and 5",
	      (unsigned long long)g[0], (unsigned long long)g[1]);
out:
	kobj_close(&k);
	FDS_END();
}

/* The same object with add_frame's FUNC back to global linkage: verified on its own, refused. */
TEST(hidden_func_as_global_is_refused)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	int err = kobj_open(&k, HIDDEN);
	CHECK(err == 0, "open: %s", k.d.msg);
	if (err)
		goto out;
	uint32_t id = btf_find(&k.o.btf, BTF_KIND_FUNC, "add_frame");
	CHECK(id != 0, "no FUNC add_frame in the model's BTF");
	if (!id)
		goto out;
	/* The model's BTF is the blob it was parsed from: edit the record there. */
	struct btf_type *t = (struct btf_type *)btf_type(&k.o.btf, id);
	CHECK(btf_vlen(t) == BTF_FUNC_STATIC, "add_frame's linkage is %u, not static", btf_vlen(t));
	t->info = btf_info_enc(BTF_KIND_FUNC, false, BTF_FUNC_GLOBAL);
	err = kobj_load_opened(&k, NULL);
	CHECK(err == -EACCES || err == -EINVAL, "loaded with add_frame global (%d)", err);
	CHECK(k.l.verifier_log && strstr(k.l.verifier_log, "invalid mem access 'mem_or_null'"),
	      "the verifier log does not name the unchecked access: %s", k.l.verifier_log ? k.l.verifier_log : "(none)");
out:
	kobj_close(&k);
	FDS_END();
}
