/* tests/fuzz/fuzz_vhint.c — libFuzzer target for the verifier-hint module (loader/load/
 * verifier_hint.h): any bytes as a verifier log (cut at the first NUL, as the kernel's log is a C
 * string), the first byte picking the program type and license; the texts must be NUL-terminated
 * inside their buffers and the kernel's line must point into the log. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/load/verifier_hint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t types[] = {BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_CGROUP_SKB,
					 BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACING, 0, 12345, BPF_PROG_TYPE_CGROUP_SOCK};
	uint8_t pick = size ? data[0] : 0;
	char *log = malloc(size + 1);
	if (!log)
		return 0;
	if (size)
		memcpy(log, data + 1, size - 1);
	log[size ? size - 1 : 0] = '\0';
	struct vhint_prog p = {.name = "p", .prog_type = types[pick & 7], .type_name = pick & 8 ? NULL : "xdp",
			       .license = pick & 16 ? NULL : "MIT", .err = pick & 32 ? -E2BIG : -EACCES};
	struct vhint h;
	vhint_explain(log, &p, &h);
	size_t n = strlen(log);
	if (!memchr(h.what, '\0', sizeof(h.what)) || !memchr(h.fix, '\0', sizeof(h.fix)) ||
	    !memchr(h.source, '\0', sizeof(h.source)) || !memchr(h.file, '\0', sizeof(h.file)) ||
	    (h.kernel_msg && (h.kernel_msg < log || h.kernel_msg + h.kernel_msg_len > log + n)) ||
	    (h.cause != VHINT_UNKNOWN && (!h.what[0] || !h.fix[0])))
		abort();
	free(log);
	return 0;
}
