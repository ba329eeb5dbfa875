/* tests/kernel/test_core_unsupported.c — a program with a CO-RE relocation is refused by name,
 * before BPF_PROG_LOAD, with "not supported yet"; nothing of the object stays loaded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ktest.h"

TEST(load_refuses_core_relocations)
{
	KTEST_NEED_BPF();
	int fds = ktest_count_fds();
	struct kobj k;
	int err = kobj_load(&k, "build/progs/core_reloc.bpfel.o", NULL);
	CHECK(err == -ENOTSUP, "load: %d (%s), want -ENOTSUP", err, k.d.msg);
	CHECK(strstr(k.d.msg, "core_pid") && strstr(k.d.msg, "CO-RE") && strstr(k.d.msg, "not supported yet"),
	      "message: %s", k.d.msg);
	kobj_close(&k);
	CHECK(ktest_count_fds() == fds, "fds: %d before, %d after", fds, ktest_count_fds());
	int status;
	char *out = ktest_popen(&status, "%s load %s 2>&1", test_path("rawload"),
				test_path("build/progs/core_reloc.bpfel.o"));
	CHECK(out && status == 1 && strstr(out, "CO-RE relocation") && strstr(out, "core_pid"),
	      "CLI: status %d: %s", status, out ? out : "(none)");
	free(out);
}
