/* loader/attach/perf_event.c — perf_event programs (SEC "perf_event"), the way profilers run them: a
 * sampling event on every online CPU (the software cpu-clock, which works in VMs without a hardware
 * PMU, at --freq samples a second, 49 by default: off the beat of timers at round rates), for every
 * process, each with the program attached through a perf link (kernel 5.15), else
 * PERF_EVENT_IOC_SET_BPF + ENABLE. One attachment holds them all (a->links, a->perfs). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"

enum { DEFAULT_FREQ = 49 };

int attach_perf_sampling(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			 struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	uint32_t freq = opts->freq ? opts->freq : DEFAULT_FREQ;
	int prog_fd = l->prog_fds[a->prog];
	char rb[24];

	int n = perf_online_cpus(NULL, 0, d);
	if (n < 0)
		return diag_wrap(d, n, "prog '%s': ", p->name);
	int *cpus = malloc((size_t)n * sizeof(*cpus));
	if (!cpus || attach_multi_alloc(a, (uint32_t)n)) {
		free(cpus);
		return diag_set(d, -ENOMEM, "prog '%s': out of memory", p->name);
	}
	n = perf_online_cpus(cpus, n, d); /* CPUs may come and go between the two reads: keep the fewer */
	if (n < 0 || (uint32_t)n > a->nmulti) {
		int err = n < 0 ? n : -EAGAIN;
		free(cpus);
		attach_multi_close(a);
		return n < 0 ? diag_wrap(d, err, "prog '%s': ", p->name)
			     : diag_set(d, err, "prog '%s': the online CPUs changed while reading them", p->name);
	}
	a->nmulti = (uint32_t)n;

	bool links = true; /* until the kernel says it has no perf links: then the ioctl for every CPU */
	int err = 0;
	for (int k = 0; k < n && !err; k++) {
		int pfd = perf_sampling_open(cpus[k], freq);
		narrate(opts->say, "perf_event: perf_event_open cpu-clock at %u Hz on cpu %d -> %s", freq, cpus[k],
			narrate_result(pfd, rb));
		if (pfd < 0) {
			err = diag_set(d, pfd, "prog '%s': perf_event_open of the cpu-clock on cpu %d at %u Hz: %s%s", p->name,
				       cpus[k], freq, sys_errno_name(pfd),
				       pfd == -EINVAL ? " (above kernel.perf_event_max_sample_rate?)" : "");
			break;
		}
		a->perfs[k] = pfd;
		if (links) {
			int fd = sys_link_create(prog_fd, pfd, BPF_PERF_EVENT, 0);
			narrate(opts->say, "perf_event: BPF_LINK_CREATE BPF_PERF_EVENT prog '%s' cpu %d -> %s", p->name, cpus[k],
				narrate_result(fd, rb));
			if (fd >= 0) {
				a->links[k] = fd;
				continue;
			}
			if (k > 0) { /* the first CPU took a link: this one is a real failure */
				err = diag_set(d, fd, "prog '%s': perf link on cpu %d: %s", p->name, cpus[k], sys_errno_name(fd));
				break;
			}
			links = false;
		}
		int r = perf_attach_ioctl(pfd, prog_fd);
		narrate(opts->say, "perf_event: PERF_EVENT_IOC_SET_BPF + ENABLE on cpu %d -> %s", cpus[k],
			r ? sys_errno_name(r) : "ok");
		if (r)
			err = diag_set(d, r, "prog '%s': attaching to the cpu-clock event of cpu %d: %s", p->name, cpus[k],
				       sys_errno_name(r));
	}
	if (err) {
		free(cpus);
		attach_multi_close(a);
		return err;
	}
	a->how = links ? "perf link" : "perf ioctl";
	snprintf(a->note, sizeof(a->note), "%d online CPU%s, software cpu-clock sampling at %u Hz, via %s", n,
		 n == 1 ? "" : "s", freq, a->how);
	free(cpus);
	return 0;
}
