// SPDX-License-Identifier: GPL-2.0
/* profile.bpf.c — a sampling CPU profiler: at every sample of a perf event (rawload opens the
 * software cpu-clock on every online CPU at --freq Hz, 49 by default), one record goes through the
 * ring buffer `samples`: the process and CPU sampled, its command name, and the kernel and user
 * call stacks (return addresses, innermost first) with their sizes in bytes (negative: the
 * helper's error, such as -EFAULT for a user stack the kernel cannot walk).
 * Shaped like libbpf-bootstrap's profile example: SEC("perf_event"), a ring buffer, bpf_get_stack
 * for both stacks; `samples` declares its record type so that rawload can render it, and the
 * stacks are kept short (16 frames) so that a line stays readable.
 *
 *     sudo ./rawload examples/profile.o --freq 19 -d 2
 */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>

#define COMM_LEN 16
#define STACK_DEPTH 16

struct sample {
	__u32 pid;			/* thread-group id (0: the idle task) */
	__u32 cpu;
	char comm[COMM_LEN];
	__s32 kstack_bytes;		/* bytes of kstack filled, or a negative errno */
	__s32 ustack_bytes;		/* likewise for ustack */
	__u64 kstack[STACK_DEPTH];	/* kernel return addresses, the rest zero */
	__u64 ustack[STACK_DEPTH];	/* user-space return addresses, the rest zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct sample);
} samples SEC(".maps");

SEC("perf_event")
int profile(struct bpf_perf_event_data *ctx)
{
	struct sample *s = bpf_ringbuf_reserve(&samples, sizeof(*s), 0);
	if (!s)
		return 0; /* the reader is behind: this sample is lost */
	s->pid = bpf_get_current_pid_tgid() >> 32;
	s->cpu = bpf_get_smp_processor_id();
	if (bpf_get_current_comm(s->comm, sizeof(s->comm)))
		s->comm[0] = '\0';
	s->kstack_bytes = bpf_get_stack(ctx, s->kstack, sizeof(s->kstack), 0);
	s->ustack_bytes = bpf_get_stack(ctx, s->ustack, sizeof(s->ustack), BPF_F_USER_STACK);
	bpf_ringbuf_submit(s, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
