/* loader/show/status.h — `rawload status`: what the kernel holds, read without bpftool. Programs
 * (id, type, name, tag, maps), maps, links with their targets (interfaces, cgroups, tracepoints,
 * probes, namespaces), the XDP program of each interface as rtnetlink reports it, and, for
 * `rawload status DIR`, what is pinned under a bpffs directory. Read only: nothing is attached,
 * detached or changed. Targets that cannot be named are shown by their number, never guessed.
 * Output is text or JSON appended to a strbuf; the CLI prints it. */
#ifndef RAWLOAD_STATUS_H
#define RAWLOAD_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/info.h"
#include "bpf/netlink.h"
#include "common/diag.h"
#include "common/strbuf.h"
#include "loader/narrate.h"

enum { STATUS_PROG_MAPS = 64 }; /* map ids kept per program (the kernel allows 64 per program) */

struct status_prog {
	uint32_t id, type, btf_id, uid, xlated_len, jited_len;
	char name[16];
	uint8_t tag[8];
	bool gpl;
	uint32_t nmap_ids;                   /* the kernel's count (map_ids holds the first 64) */
	uint32_t map_ids[STATUS_PROG_MAPS];
};

struct status_map {
	uint32_t id, type, key_size, value_size, max_entries, flags, btf_id;
	char name[16];
};

struct status_link {
	struct info_link l;
	char *target;                        /* the target by name (interface, cgroup path, network
	                                      * namespace), malloc'd; NULL when it cannot be named */
	const char *unnamed;                 /* why not, when it was tried ("not in this network
	                                      * namespace"); NULL otherwise */
};

struct status_pin {
	char *path;                          /* malloc'd */
	enum info_fd_kind kind;
	int err;                             /* < 0: the pin could not be opened or read */
	union {
		struct status_prog prog;
		struct status_map map;
		struct status_link link;
	};
};

struct status {
	struct status_prog *progs;
	uint32_t nprogs;
	struct status_map *maps;
	uint32_t nmaps;
	struct status_link *links;
	uint32_t nlinks;
	struct nl_iface *xdp;                /* interfaces of this network namespace with XDP */
	uint32_t nxdp;
	bool pin_listing;                    /* made by status_collect_pins: only pins are shown */
	struct status_pin *pins;
	uint32_t npins;
	bool pins_cut;                       /* more pins than STATUS_MAX_PINS, or deeper than allowed */
	char netlink_error[320];             /* the interface dump failed: why ("" when it worked) */
};

/* Every program, map and link (BPF_*_GET_NEXT_ID, then by id; objects that go away meanwhile are
 * skipped), the XDP programs of this network namespace's interfaces, and link targets named.
 * Returns 0 or a negative errno with d set; -EPERM: the kernel wants CAP_SYS_ADMIN. */
int status_collect(struct status *st, const struct narrator *say, struct diag *d);
/* What is pinned under dir (a bpffs directory), recursively, bounded; each pin's kind, id, name
 * and for links the target. 0 or a negative errno with d set. */
int status_collect_pins(struct status *st, const char *dir, const struct narrator *say, struct diag *d);
void status_close(struct status *st);

/* Text (aligned lines under headings) or one JSON object:
 * {"progs":[..],"maps":[..],"links":[..],"xdp":[..]} for status_collect,
 * {"pins":[..]} for status_collect_pins. */
void status_render(const struct status *st, bool json, struct strbuf *out);

/* ---- status_names.c: names for what the kernel reports by number ------------------------------ */

/* Fills the target of every link it can name: XDP and tcx interfaces (checked to be the same
 * device in this network namespace: the interface's own XDP program / tcx links), cgroups (a
 * bounded walk of the cgroup2 mount comparing inode numbers with cgroup ids), network namespaces
 * (this one, /run/netns/NAME). ifaces: this namespace's interfaces (NULL when unknown). */
void status_name_links(struct status_link *links, uint32_t n, const struct nl_iface *ifaces, uint32_t nifaces,
		       const struct narrator *say);

/* Short names for printing: "xdp", "tcx", "perf_event", ... ("" when unknown: print the number). */
const char *status_link_type_name(uint32_t type);

#endif
