/* loader/attach/attach.h — attaching loaded programs by their section, pinning the attachments,
 * and detaching them. The driver (attach.c) decides which programs attach where and reports those
 * it cannot attach, by name and reason, rather than skipping them silently. Each attach kind is one
 * file of this folder named after it (xdp.c, tcx.c, cgroup.c, tp.c, uprobe.c, ...): its header
 * says how that kind attaches and what it falls back to. */
#ifndef RAWLOAD_ATTACH_H
#define RAWLOAD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "elf/elf.h"
#include "loader/load/load.h"
#include "loader/narrate.h"

struct attach_opts {
	const struct narrator *say;
	int ifindex;            /* XDP and tcx target; 0 when none was given */
	const char *ifname;
	const char *cgroup;     /* cgroup programs' target, a cgroup v2 directory; NULL when none */
	bool cgroup_prog_attach; /* cgroup, sockmap and flow dissector programs through BPF_PROG_ATTACH
				    even where links work (--prog-attach) */
	uint32_t xdp_mode;      /* 0 (kernel chooses), XDP_FLAGS_SKB_MODE, _DRV_MODE or _HW_MODE */
	bool force_netlink;     /* XDP and tc through rtnetlink even where links work */
	bool replace;           /* take the place of an XDP program already on the interface, and put
	                         * it back at the end (on either path; see xdp.c) */
	const char *pin_dir;    /* --pin DIR: links live in DIR/links; reuse them on a second run */
	const bool *only;       /* per obj.progs: attach only these (NULL: all) */
	bool (*interrupted)(void); /* asked before each program: true detaches what was attached and
	                            * returns -EINTR; NULL: never */
	uint32_t freq;          /* perf_event programs: samples a second on each CPU (--freq; 0: 49) */
	const char *map;        /* sk_skb/sk_msg programs: the sockmap/sockhash (--map; NULL: the only one) */
	const char *nf;         /* netfilter programs: [FAMILY:]HOOK:PRIORITY (--nf); NULL: not attached */
	bool tc_egress;         /* SEC("tc")/"classifier" (no direction): egress rather than ingress */
};

enum attach_state {
	ATT_ATTACHED,
	ATT_SKIPPED,            /* deliberately not attached (note says why: tail-call target, ...) */
	ATT_UNSUPPORTED,        /* attach kind not supported yet */
};

/* One call site of a USDT probe: its own uprobe perf event and link. */
struct attach_usdt_site {
	int perf_fd, link_fd;   /* link_fd -1 when attached with the ioctl */
	uint64_t ip;            /* its address in the ip -> spec id map (no BPF cookies) */
	bool ip_mapped;         /* that map entry is ours to delete at the end */
};

struct attachment {
	uint32_t prog;          /* index into obj.progs */
	enum attach_state state;
	const char *how;        /* "bpf_link", "netlink", "tcx link", "cgroup link", "BPF_PROG_ATTACH",
				   "perf link", "perf ioctl", "raw_tracepoint", "raw_tracepoint_open" */
	int link_fd;            /* a bpf_link (XDP, tcx, cgroup, perf, raw tracepoint, tracing, iter),
				   -1 when none */
	int perf_fd;            /* the perf event of a tracepoint or uprobe, -1 when none */
	int target_fd;          /* cgroup through BPF_PROG_ATTACH: the cgroup's fd, to detach; else -1 */
	int sock_fd;            /* socket filter: the packet socket rawload opened for it; else -1 */
	int ifindex;            /* XDP, tcx, tc netlink: the interface */
	uint32_t tc_handle;     /* tc through netlink: the filter the kernel added (handle, priority) */
	uint16_t tc_priority;
	bool tc_ingress;
	bool tc_qdisc_made;     /* this attachment made the clsact qdisc: it takes it down at the end */
	uint32_t xdp_flags;     /* XDP netlink: the mode flags used, needed to detach */
	int xdp_old_fd;         /* XDP --replace: the program it took the place of (to put back), or -1 */
	uint32_t xdp_old_id, xdp_old_flags; /* its id and mode flag */
	bool pinned;            /* the link is pinned (this run or an earlier one): closing keeps it */
	/* Attachments of several kernel objects (perf_event: a sampling event and its perf link on each
	 * online CPU; netfilter on both families: two links): all of them here, owned, closed at detach
	 * (links first), pinned as links/NAME-0, NAME-1, ...; link_fd and perf_fd stay -1. links[k]
	 * is -1 where the ioctl attached perfs[k]; perfs[k] is -1 where there is no perf event. NULL,
	 * 0 for other attachments. */
	int *links, *perfs;
	uint32_t nmulti;
	struct attach_usdt_site *usdt; /* USDT: one uprobe per call site (link_fd, perf_fd unused), owned */
	uint32_t nusdt;
	int usdt_ip_map;        /* USDT without BPF cookies: the ip -> spec id map's fd, else -1 */
	char note[200];         /* where it went or why not ("eth0, native mode", "tail-call target") */
};

/* A struct_ops map registered with the kernel (per obj.st_ops that was created). */
struct attach_st_ops {
	uint32_t st;            /* index into obj.st_ops */
	int link_fd;            /* .struct_ops.link: the struct_ops link; -1 for a map update */
	bool registered;        /* to unregister at the end */
	char note[120];         /* "registered as tcp_congestion_ops through a struct_ops link" */
};

struct attach_set {
	struct attachment *a;
	uint32_t n;
	struct attach_st_ops *st; /* struct_ops registrations, owned */
	uint32_t nst;
	char closing[256];      /* what closing did that the user should hear of (a program --replace
	                         * put back, or could not), "" when nothing */
};

/* Attach every loaded program its section says how to attach. Programs whose kind is not
 * supported yet, tail-call targets and extra XDP programs for one interface are recorded with
 * state and note, not attached. A real failure (the kernel refuses) detaches what was attached and
 * returns a negative errno with d set. */
int attach_all(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attach_set *out, struct diag *d);
/* Pin every bpf_link under DIR/links/<prog>. Attachments without a link (netlink XDP stays by
 * itself; perf ioctl and cgroup BPF_PROG_ATTACH attachments `rawload unpin` could not find again)
 * are reported: -EOPNOTSUPP for a perf ioctl or BPF_PROG_ATTACH attachment, before any pin. */
int attach_pin(const struct obj *o, const struct attach_set *set, const char *dir,
	       const struct narrator *say, struct diag *d);
/* attach_pin's refusal alone: 0 when every attachment can be pinned or stays by itself, else
 * -EOPNOTSUPP with d set. Lets the CLI refuse before the maps and programs are pinned. */
int attach_pinnable(const struct obj *o, const struct attach_set *set, struct diag *d);
/* Detach and close everything (netlink XDP programs are removed only if still ours; cgroup
 * BPF_PROG_ATTACH attachments by BPF_PROG_DETACH of our program). */
void attach_close(const struct obj *o, const struct loaded *l, struct attach_set *set,
		  const struct narrator *say);

/* Per-kind functions, used by attach.c. Fill a->link_fd/perf_fd/target_fd/how/note. A kind the
 * kernel turns out not to have (tcx before 6.6), or a program the kind cannot attach yet (an
 * iterator that needs a map, ...), gets state ATT_UNSUPPORTED or ATT_SKIPPED with its note, and 0
 * is returned: reported like the kinds rawload does not support yet, not a failure. */
int attach_xdp(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attachment *a, struct diag *d);
void detach_xdp(const struct loaded *l, struct attachment *a, char *closing, size_t n,
		const struct narrator *say);
int attach_tcx(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attachment *a, struct diag *d);
int attach_cgroup(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d);
/* Cgroup and sockmap programs: their link closed (a pinned one stays attached), or the
 * BPF_PROG_ATTACH undone with BPF_PROG_DETACH on a->target_fd. kind names them in the narration. */
void detach_link_or_prog(const struct obj *o, const struct loaded *l, struct attachment *a, const char *kind,
			 const struct narrator *say);

enum { ATTACH_LINK_TYPE_TCX = 11 }; /* BPF_LINK_TYPE_TCX, kernel 6.6: newer than the 6.1 headers */

/* What a link pinned by an earlier --pin run must still be attached to for this run to reuse it. */
struct attach_link_want {
	uint32_t link_type;   /* BPF_LINK_TYPE_*: XDP, CGROUP or TCX (11, kernel 6.6) */
	uint32_t ifindex;     /* XDP, tcx: the interface */
	uint32_t attach_type; /* tcx, cgroup: BPF_TCX_INGRESS, BPF_CGROUP_INET_EGRESS, ... */
	uint64_t cgroup_id;   /* cgroup: the cgroup's id (its directory's inode number) */
};
/* The link pinned at DIR/links/<prog> (opts->pin_dir): when it is still attached where want says,
 * swap this run's program into it (BPF_LINK_UPDATE: no gap in service), set a->link_fd and
 * a->pinned and return 0. Otherwise (no pin: -ENOENT; attached elsewhere or the update refused)
 * the old link is detached and its pin removed, and a negative errno returned: the caller makes a
 * new link. kind ("xdp", "tcx", "cgroup") starts the -v lines. */
int attach_reuse_link(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, const char *kind, const struct attach_link_want *want);
int attach_tracepoint(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, struct diag *d);
int attach_raw_tp(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d);
/* Removes a tc filter (and the clsact qdisc it made) attach_tcx added through netlink. */
void detach_tc_netlink(struct attachment *a, const char *name, const struct narrator *say);
int attach_uprobe(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d);
int attach_uprobe_multi(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			struct attachment *a, struct diag *d);
/* The kernel functions a kprobe.multi pattern names, from the text of available_filter_functions
 * ("name [module]" lines) or, with kallsyms, of /proc/kallsyms (text symbols only, not the
 * __pfx_ paddings). Names end in place: text[0..len] is written to, text[len] included; *out
 * (malloc'd) points into text, sorted, each name once. 0, -ENOENT when nothing matches, -ENOMEM.
 * Pure. */
int attach_kmulti_symbols(char *text, size_t len, bool kallsyms, const char *pattern, const char ***out,
			  uint32_t *n);
int attach_kprobe_multi(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			struct attachment *a, struct diag *d);
/* The file a uprobe or USDT section names, as an absolute path in out (PATH_MAX bytes): a path with
 * a '/' as written (relative to the current directory), a bare name looked up as libbpf does. */
int attach_binary_path(const char *path, char *out, struct diag *d);
/* A uprobe, uprobe.multi or USDT target (an executable or shared library), mapped read-only and
 * parsed by elf/. attach_binary_open's errors start with kind and the path ("usdt: PATH: ...");
 * attach_binary_close undoes it, and does nothing after a failed open. */
struct attach_binary {
	void *data;
	size_t size;
	struct elf_file f;
};
int attach_binary_open(const char *path, const char *kind, struct attach_binary *b, struct diag *d);
void attach_binary_close(struct attach_binary *b);
/* USDT: *next_spec is the first free spec id in the object's __bpf_usdt_specs map, shared by the
 * object's USDT programs (advanced past the ids this attachment takes). */
int attach_usdt(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		struct attachment *a, uint32_t *next_spec, struct diag *d);
void detach_usdt(const struct obj *o, struct attachment *a, const struct narrator *say);
/* struct_ops (struct_ops.c): every struct_ops map registered, after the programs loaded (each
 * program's attachment names its member: attach_struct_ops_prog); detach_struct_ops unregisters. */
int attach_struct_ops(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attach_set *set, struct diag *d);
void detach_struct_ops(const struct obj *o, const struct loaded *l, struct attach_set *set,
		       const struct narrator *say);
void attach_struct_ops_prog(const struct obj *o, const struct loaded *l, struct attachment *a);
int attach_sk_lookup(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		     struct attachment *a, struct diag *d);
int attach_kprobe(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d);
/* A kprobe section's target, "FUNC" or "FUNC+OFFSET" (decimal or 0x hex), as libbpf writes them:
 * FUNC into func[cap]. 0, or -EINVAL (empty, too long, a bad offset). Pure (fuzzed). */
int attach_kprobe_parse(const char *target, char *func, size_t cap, uint64_t *offset);
int attach_tracing(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		   struct attachment *a, struct diag *d);
int attach_iter(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		struct attachment *a, struct diag *d);
/* The program of a to the perf event pfd (taken over: on failure it is closed): a perf link, else
 * PERF_EVENT_IOC_SET_BPF + ENABLE. Sets a->perf_fd, a->link_fd and a->how; `what` names the event
 * in the diagnostic ("tracepoint syscalls/sys_enter_execve"). */
int attach_perf_event(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, int pfd, const char *what, struct diag *d);

/* a not attached: state (ATT_SKIPPED or ATT_UNSUPPORTED) and the note saying why. */
void attach_not(struct attachment *a, enum attach_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Make room for n links and perf events in a->links/perfs (all -1). 0 or -ENOMEM. */
int attach_multi_alloc(struct attachment *a, uint32_t n);
/* Close a->links (then a->perfs) and free them; a->nmulti becomes 0. Safe on any attachment. */
void attach_multi_close(struct attachment *a);
int attach_sockmap(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		   struct attachment *a, struct diag *d);
int attach_flow_dissector(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			  struct attachment *a, struct diag *d);
void detach_flow_dissector(const struct obj *o, const struct loaded *l, struct attachment *a,
			   const struct narrator *say);
/* --nf [FAMILY:]HOOK:PRIORITY, parsed (pure): FAMILY ipv4 (default, also "ip"), ipv6 ("ip6") or
 * inet (both); HOOK prerouting, input, forward, output or postrouting (any case); PRIORITY a whole
 * number strictly between INT32_MIN and INT32_MAX. 0 or -EINVAL with d set ("--nf 'x': ..."). */
struct attach_nf {
	bool ipv4, ipv6;
	uint32_t hook;          /* NF_INET_PRE_ROUTING 0 ... NF_INET_POST_ROUTING 4 */
	int32_t priority;
};
int attach_parse_nf(const char *spec, struct attach_nf *out, struct diag *d);
int attach_netfilter(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		     struct attachment *a, struct diag *d);
int attach_socket_filter(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			 struct attachment *a, struct diag *d);
int attach_perf_sampling(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			 struct attachment *a, struct diag *d);


/* `rawload detach IFACE [--force]`: remove an XDP program a netlink attach of rawload's left (a
 * killed rawload): only one that carries rawload's mark for this interface and network namespace
 * (xdp_mark.h), unless force. What was removed is said in what[n] ("program id 12 'count_packets',
 * attached by rawload pid 345"). Returns 0, -ENOENT (nothing attached), -EPERM when the program is
 * not rawload's (d says what it is and how to remove it anyway), or another negative errno. */
int attach_detach_iface(int ifindex, const char *ifname, bool force, char *what, size_t n,
			const struct narrator *say, struct diag *d);
/* `rawload unpin DIR`: detach pinned links, remove netlink XDP attachments of pinned programs,
 * remove the pins and the directories. */
int attach_unpin(const char *dir, const struct narrator *say, struct diag *d);

#endif
