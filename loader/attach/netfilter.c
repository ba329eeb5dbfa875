/* loader/attach/netfilter.c — netfilter programs (SEC "netfilter"): a netfilter link (BPF_LINK_CREATE
 * with BPF_NETFILTER, kernel 6.4) on the hook --nf [FAMILY:]HOOK:PRIORITY names, in the network
 * namespace rawload runs in; family inet takes two links, IPv4 and IPv6. Without --nf the program
 * is not attached (libbpf attaches these only by hand, with the hook given). The program's return
 * value is the hook's verdict (NF_DROP 0, NF_ACCEPT 1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"

/* <linux/netfilter.h>: NFPROTO_IPV4 2, NFPROTO_IPV6 10; enum nf_inet_hooks in order. */
enum { NFPROTO_V4 = 2, NFPROTO_V6 = 10 };
static const char *const hooks[] = {"prerouting", "input", "forward", "output", "postrouting"};

int attach_parse_nf(const char *spec, struct attach_nf *out, struct diag *d)
{
	char buf[64], *parts[3];
	int n = 0;
	if (!spec || snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		return diag_set(d, -EINVAL, "--nf '%s': not [FAMILY:]HOOK:PRIORITY", spec ? spec : "");
	bool extra = false;
	for (char *p = buf;;) {
		char *colon = strchr(p, ':');
		parts[n++] = p;
		if (!colon || (extra = n == 3))
			break;
		*colon = '\0';
		p = colon + 1;
	}
	if (n < 2 || extra)
		return diag_set(d, -EINVAL, "--nf '%s': not [FAMILY:]HOOK:PRIORITY", spec);
	const char *family = n == 3 ? parts[0] : "ipv4", *hook = parts[n - 2], *prio = parts[n - 1];
	*out = (struct attach_nf){0};
	if (!strcasecmp(family, "ipv4") || !strcasecmp(family, "ip"))
		out->ipv4 = true;
	else if (!strcasecmp(family, "ipv6") || !strcasecmp(family, "ip6"))
		out->ipv6 = true;
	else if (!strcasecmp(family, "inet"))
		out->ipv4 = out->ipv6 = true;
	else
		return diag_set(d, -EINVAL, "--nf '%s': family '%s' is not ipv4, ipv6 or inet", spec, family);
	out->hook = UINT32_MAX;
	for (uint32_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!strcasecmp(hook, hooks[i]))
			out->hook = i;
	if (out->hook == UINT32_MAX)
		return diag_set(d, -EINVAL, "--nf '%s': hook '%s' is not prerouting, input, forward, output or postrouting",
				spec, hook);
	char *end;
	errno = 0;
	long v = strtol(prio, &end, 10);
	/* INT_MIN and INT_MAX (NF_IP_PRI_FIRST, _LAST) are refused by the kernel: not for BPF. */
	if (!*prio || *end || errno || v <= INT32_MIN || v >= INT32_MAX)
		return diag_set(d, -EINVAL, "--nf '%s': priority '%s' is not a whole number between %d and %d", spec, prio,
				INT32_MIN + 1, INT32_MAX - 1);
	out->priority = (int32_t)v;
	return 0;
}

static int one_link(const struct obj_prog *p, int prog_fd, const struct attach_nf *nf, bool v6,
		    const struct attach_opts *opts, struct diag *d)
{
	char rb[24];
	int fd = sys_link_create_netfilter(prog_fd, v6 ? NFPROTO_V6 : NFPROTO_V4, nf->hook, nf->priority, 0);
	narrate(opts->say, "netfilter: BPF_LINK_CREATE prog '%s' %s %s priority %d -> %s", p->name, v6 ? "ipv6" : "ipv4",
		hooks[nf->hook], nf->priority, narrate_result(fd, rb));
	if (fd < 0)
		diag_set(d, fd, "prog '%s': netfilter link on %s %s priority %d: %s%s", p->name, v6 ? "ipv6" : "ipv4",
			 hooks[nf->hook], nf->priority, sys_errno_name(fd),
			 fd == -EINVAL ? " (kernel before 6.4, or a priority it refuses)" : "");
	return fd;
}

int attach_netfilter(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		     struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	struct attach_nf nf;
	if (!opts->nf) {
		attach_not(a, ATT_SKIPPED, "not attached: no --nf [FAMILY:]HOOK:PRIORITY given");
		return 0;
	}
	int err = attach_parse_nf(opts->nf, &nf, d);
	if (err)
		return err;
	int prog_fd = l->prog_fds[a->prog];
	if (nf.ipv4 && nf.ipv6) {
		if (attach_multi_alloc(a, 2))
			return diag_set(d, -ENOMEM, "prog '%s': out of memory", p->name);
		for (int k = 0; k < 2; k++) {
			int fd = one_link(p, prog_fd, &nf, k == 1, opts, d);
			if (fd < 0) {
				attach_multi_close(a);
				return fd;
			}
			a->links[k] = fd;
		}
	} else {
		int fd = one_link(p, prog_fd, &nf, nf.ipv6, opts, d);
		if (fd < 0)
			return fd;
		a->link_fd = fd;
	}
	a->how = "bpf_link";
	snprintf(a->note, sizeof(a->note), "netfilter %s %s priority %d, via %s%s",
		 nf.ipv4 && nf.ipv6 ? "inet" : nf.ipv6 ? "ipv6" : "ipv4", hooks[nf.hook], nf.priority, a->how,
		 nf.ipv4 && nf.ipv6 ? "s (IPv4 and IPv6)" : "");
	return 0;
}
