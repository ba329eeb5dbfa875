/* loader/show/status_render.c — `rawload status` as text or JSON (see status.h). JSON field names
 * follow bpftool's where it has one (bytes_xlated, map_ids, devname, cgroup_id, tp_name, ...), so a
 * script written against `bpftool -j` reads ours; type names are libbpf's. Text is one line per
 * object under a heading. Numbers the kernel gave are always shown; names only beside them. */
#include "loader/show/status.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/if_link.h>
#include <string.h>

#include "bpf/sys.h"

#include "loader/obj/obj.h"
#include "loader/obj/secdef.h"

/* A type name, or its number when rawload does not know it ("" / "?" from the tables). */
static void type_field(struct strbuf *out, bool json, const char *key, const char *name, uint32_t num)
{
	bool known = name && name[0] && strcmp(name, "?") != 0;
	if (json) {
		sb_printf(out, ",\"%s\":", key);
		if (known)
			sb_json_str(out, name);
		else
			sb_printf(out, "%u", num);
	} else if (known) {
		sb_puts(out, name);
	} else {
		sb_printf(out, "%s %u", key, num);
	}
}

static const char *attach_name(uint32_t at)
{
	return secdef_attach_type_name(at);
}

/* ---- programs and maps ----------------------------------------------------------------------- */

static void render_prog(struct strbuf *out, const struct status_prog *p, bool json)
{
	char tag[17];
	for (int i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", p->tag[i]);
	uint32_t shown = p->nmap_ids < STATUS_PROG_MAPS ? p->nmap_ids : STATUS_PROG_MAPS;
	if (json) {
		sb_printf(out, "\"id\":%u", p->id);
		type_field(out, true, "type", secdef_prog_type_name(p->type), p->type);
		sb_puts(out, ",\"name\":");
		sb_json_str(out, p->name);
		sb_printf(out, ",\"tag\":\"%s\",\"gpl_compatible\":%s,\"uid\":%u,\"bytes_xlated\":%u,\"bytes_jited\":%u",
			  tag, p->gpl ? "true" : "false", p->uid, p->xlated_len, p->jited_len);
		if (p->btf_id)
			sb_printf(out, ",\"btf_id\":%u", p->btf_id);
		sb_puts(out, ",\"map_ids\":[");
		for (uint32_t i = 0; i < shown; i++)
			sb_printf(out, "%s%u", i ? "," : "", p->map_ids[i]);
		sb_putc(out, ']');
		if (shown < p->nmap_ids)
			sb_printf(out, ",\"nr_map_ids\":%u", p->nmap_ids);
		return;
	}
	sb_printf(out, "%-6u ", p->id);
	size_t at = out->len;
	type_field(out, false, "type", secdef_prog_type_name(p->type), p->type);
	sb_printf(out, "%*s %-16s tag %s", (int)(at + 14 > out->len ? at + 14 - out->len : 0), "",
		  p->name[0] ? p->name : "-", tag);
	sb_printf(out, "  %u bytes xlated, %u jited%s", p->xlated_len, p->jited_len, p->gpl ? ", gpl" : "");
	if (p->btf_id)
		sb_printf(out, ", btf %u", p->btf_id);
	if (shown) {
		sb_puts(out, ", maps ");
		for (uint32_t i = 0; i < shown; i++)
			sb_printf(out, "%s%u", i ? "," : "", p->map_ids[i]);
		if (shown < p->nmap_ids)
			sb_printf(out, ",... (%u)", p->nmap_ids);
	}
}

static void render_map(struct strbuf *out, const struct status_map *m, bool json)
{
	if (json) {
		sb_printf(out, "\"id\":%u", m->id);
		type_field(out, true, "type", obj_map_type_name(m->type), m->type);
		sb_puts(out, ",\"name\":");
		sb_json_str(out, m->name);
		sb_printf(out, ",\"flags\":%u,\"bytes_key\":%u,\"bytes_value\":%u,\"max_entries\":%u", m->flags,
			  m->key_size, m->value_size, m->max_entries);
		if (m->btf_id)
			sb_printf(out, ",\"btf_id\":%u", m->btf_id);
		return;
	}
	sb_printf(out, "%-6u ", m->id);
	size_t at = out->len;
	type_field(out, false, "type", obj_map_type_name(m->type), m->type);
	sb_printf(out, "%*s %-16s key %u, value %u, max %u", (int)(at + 14 > out->len ? at + 14 - out->len : 0), "",
		  m->name[0] ? m->name : "-", m->key_size, m->value_size, m->max_entries);
	if (m->flags)
		sb_printf(out, ", flags 0x%x", m->flags);
	if (m->btf_id)
		sb_printf(out, ", btf %u", m->btf_id);
}

/* ---- links ------------------------------------------------------------------------------------ */

static void json_name(struct strbuf *out, const char *key, const char *value)
{
	sb_printf(out, ",\"%s\":", key);
	sb_json_str(out, value);
}

/* The target by name (key), or why it has none ("unnamed"). */
static void json_target(struct strbuf *out, const struct status_link *l, const char *key)
{
	if (l->target)
		json_name(out, key, l->target);
	else if (l->unnamed)
		json_name(out, "unnamed", l->unnamed);
}

static void text_target(struct strbuf *out, const struct status_link *l)
{
	if (l->target)
		sb_printf(out, " (%s)", l->target);
	else if (l->unnamed)
		sb_printf(out, " (%s)", l->unnamed);
}

static const char *perf_name(uint32_t t)
{
	static const char *const names[] = {"unspec", "uprobe", "uretprobe", "kprobe", "kretprobe", "tracepoint",
					    "event"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "";
}

static void link_json(struct strbuf *out, const struct status_link *l)
{
	const struct info_link *k = &l->l;
	switch (k->type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		json_name(out, "tp_name", k->name);
		break;
	case BPF_LINK_TYPE_TRACING:
		type_field(out, true, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, ",\"target_obj_id\":%u,\"target_btf_id\":%u", k->target_obj_id, k->target_btf_id);
		break;
	case BPF_LINK_TYPE_CGROUP:
		type_field(out, true, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, ",\"cgroup_id\":%" PRIu64, k->cgroup_id);
		json_target(out, l, "cgroup");
		break;
	case BPF_LINK_TYPE_ITER:
		json_name(out, "target_name", k->name);
		if (k->map_id)
			sb_printf(out, ",\"map_id\":%u", k->map_id);
		break;
	case BPF_LINK_TYPE_NETNS:
		type_field(out, true, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, ",\"netns_ino\":%u", k->netns_ino);
		json_target(out, l, "netns");
		break;
	case BPF_LINK_TYPE_XDP:
		sb_printf(out, ",\"ifindex\":%u", k->ifindex);
		json_target(out, l, "devname");
		break;
	case INFO_LINK_TCX:
	case INFO_LINK_NETKIT:
		type_field(out, true, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, ",\"ifindex\":%u", k->ifindex);
		json_target(out, l, "devname");
		break;
	case BPF_LINK_TYPE_PERF_EVENT:
		if (!k->has_target)
			break;
		type_field(out, true, "event", perf_name(k->perf_type), k->perf_type);
		if (k->perf_type == INFO_PERF_TRACEPOINT) {
			json_name(out, "tracepoint", k->name);
		} else if (k->perf_type == INFO_PERF_UPROBE || k->perf_type == INFO_PERF_URETPROBE) {
			json_name(out, "file", k->name);
			sb_printf(out, ",\"offset\":%u", k->offset);
		} else if (k->perf_type == INFO_PERF_KPROBE || k->perf_type == INFO_PERF_KRETPROBE) {
			json_name(out, "func", k->name);
			sb_printf(out, ",\"offset\":%u,\"addr\":%" PRIu64, k->offset, k->addr);
		} else if (k->perf_type == INFO_PERF_EVENT) {
			sb_printf(out, ",\"event_type\":%u,\"event_config\":%" PRIu64, k->event_type, k->config);
		}
		break;
	case BPF_LINK_TYPE_KPROBE_MULTI:
		if (k->has_target)
			sb_printf(out, ",\"func_cnt\":%u", k->count);
		break;
	case INFO_LINK_UPROBE_MULTI:
		json_name(out, "path", k->name);
		sb_printf(out, ",\"func_cnt\":%u,\"pid\":%u", k->count, k->pid);
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
		if (k->has_target)
			sb_printf(out, ",\"map_id\":%u", k->map_id);
		break;
	case INFO_LINK_NETFILTER:
		sb_printf(out, ",\"pf\":%u,\"hook\":%u,\"prio\":%d,\"flags\":%u", k->pf, k->hooknum, k->priority,
			  k->nf_flags);
		break;
	case INFO_LINK_SOCKMAP:
		type_field(out, true, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, ",\"map_id\":%u", k->map_id);
		break;
	default:
		break;
	}
}

static void link_text(struct strbuf *out, const struct status_link *l)
{
	const struct info_link *k = &l->l;
	switch (k->type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		sb_printf(out, "raw tracepoint %s", k->name[0] ? k->name : "(no name given)");
		return;
	case BPF_LINK_TYPE_TRACING:
		type_field(out, false, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, " of BTF type %u in object %u", k->target_btf_id, k->target_obj_id);
		return;
	case BPF_LINK_TYPE_CGROUP:
		type_field(out, false, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, " on cgroup %" PRIu64, k->cgroup_id);
		text_target(out, l);
		return;
	case BPF_LINK_TYPE_ITER:
		sb_printf(out, "iterator %s", k->name[0] ? k->name : "?");
		if (k->map_id)
			sb_printf(out, " over map %u", k->map_id);
		return;
	case BPF_LINK_TYPE_NETNS:
		type_field(out, false, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, " on network namespace %u", k->netns_ino);
		text_target(out, l);
		return;
	case BPF_LINK_TYPE_XDP:
		sb_printf(out, "ifindex %u", k->ifindex);
		text_target(out, l);
		return;
	case INFO_LINK_TCX:
	case INFO_LINK_NETKIT:
		type_field(out, false, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, " on ifindex %u", k->ifindex);
		text_target(out, l);
		return;
	case BPF_LINK_TYPE_PERF_EVENT:
		if (!k->has_target)
			break;
		if (k->perf_type == INFO_PERF_TRACEPOINT)
			sb_printf(out, "tracepoint %s", k->name);
		else if (k->perf_type == INFO_PERF_UPROBE || k->perf_type == INFO_PERF_URETPROBE)
			sb_printf(out, "%s %s+0x%x", perf_name(k->perf_type), k->name, k->offset);
		else if (k->perf_type == INFO_PERF_KPROBE || k->perf_type == INFO_PERF_KRETPROBE)
			sb_printf(out, "%s %s+0x%x", perf_name(k->perf_type), k->name[0] ? k->name : "?", k->offset);
		else if (k->perf_type == INFO_PERF_EVENT)
			sb_printf(out, "perf event type %u config %" PRIu64, k->event_type, k->config);
		else
			sb_printf(out, "perf event of kind %u", k->perf_type);
		return;
	case BPF_LINK_TYPE_KPROBE_MULTI:
		if (!k->has_target)
			break;
		sb_printf(out, "%u kprobes", k->count);
		return;
	case INFO_LINK_UPROBE_MULTI:
		sb_printf(out, "%u uprobes in %s", k->count, k->name);
		if (k->pid)
			sb_printf(out, " (pid %u)", k->pid);
		return;
	case BPF_LINK_TYPE_STRUCT_OPS:
		if (!k->has_target)
			break;
		sb_printf(out, "struct_ops map %u", k->map_id);
		return;
	case INFO_LINK_NETFILTER:
		sb_printf(out, "netfilter pf %u hook %u priority %d", k->pf, k->hooknum, k->priority);
		return;
	case INFO_LINK_SOCKMAP:
		type_field(out, false, "attach_type", attach_name(k->attach_type), k->attach_type);
		sb_printf(out, " on map %u", k->map_id);
		return;
	default:
		break;
	}
	sb_puts(out, "(target not reported by this kernel)");
}

static void render_link(struct strbuf *out, const struct status_link *l, const struct status *st, bool json)
{
	const struct info_link *k = &l->l;
	if (json) {
		sb_printf(out, "\"id\":%u", k->id);
		type_field(out, true, "type", status_link_type_name(k->type), k->type);
		sb_printf(out, ",\"prog_id\":%u", k->prog_id);
		link_json(out, l);
		return;
	}
	sb_printf(out, "%-6u ", k->id);
	size_t at = out->len;
	type_field(out, false, "type", status_link_type_name(k->type), k->type);
	sb_printf(out, "%*s prog %-6u ", (int)(at + 14 > out->len ? at + 14 - out->len : 0), "", k->prog_id);
	for (uint32_t i = 0; st && i < st->nprogs; i++)
		if (st->progs[i].id == k->prog_id && st->progs[i].name[0]) {
			size_t before = out->len;
			sb_printf(out, "%s", st->progs[i].name);
			sb_printf(out, "%*s", (int)(before + 17 > out->len ? before + 17 - out->len : 1), "");
			break;
		}
	link_text(out, l);
}

/* ---- XDP by interface ------------------------------------------------------------------------ */

/* bpftool's words for the XDP modes (`bpftool net show`). */
static void render_xdp(struct strbuf *out, const struct nl_iface *it, const struct status *st, bool json,
		       bool *first)
{
	static const char *const modes[] = {"", "driver", "generic", "offload"};
	uint32_t ids[4] = {0};
	if (it->xdp.mode == XDP_ATTACHED_MULTI) {
		ids[XDP_ATTACHED_DRV] = it->xdp.drv_prog_id;
		ids[XDP_ATTACHED_SKB] = it->xdp.skb_prog_id;
		ids[XDP_ATTACHED_HW] = it->xdp.hw_prog_id;
	} else if (it->xdp.mode >= XDP_ATTACHED_DRV && it->xdp.mode <= XDP_ATTACHED_HW) {
		ids[it->xdp.mode] = it->xdp.prog_id;
	}
	for (int m = 1; m < 4; m++) {
		if (!ids[m])
			continue;
		if (json) {
			sb_puts(out, *first ? "{" : ",{");
			sb_puts(out, "\"devname\":");
			sb_json_str(out, it->name);
			sb_printf(out, ",\"ifindex\":%d,\"mode\":\"%s\",\"id\":%u}", it->ifindex, modes[m], ids[m]);
		} else {
			sb_printf(out, "  %-16s ifindex %-4d %-8s prog %u", it->name, it->ifindex, modes[m], ids[m]);
			for (uint32_t i = 0; i < st->nprogs; i++)
				if (st->progs[i].id == ids[m] && st->progs[i].name[0])
					sb_printf(out, " %s", st->progs[i].name);
			sb_putc(out, '\n');
		}
		*first = false;
	}
}

/* ---- the whole ------------------------------------------------------------------------------- */

static void render_pins(const struct status *st, bool json, struct strbuf *out)
{
	if (json)
		sb_puts(out, "{\"pins\":[");
	for (uint32_t i = 0; i < st->npins; i++) {
		const struct status_pin *p = &st->pins[i];
		if (json) {
			sb_puts(out, i ? ",{\"path\":" : "{\"path\":");
			sb_json_str(out, p->path);
			if (p->err) {
				sb_printf(out, ",\"kind\":\"%s\",\"error\":\"%s\"}",
					  p->kind ? info_fd_kind_name(p->kind) : "unknown", sys_errno_name(p->err));
				continue;
			}
			sb_printf(out, ",\"kind\":\"%s\",", info_fd_kind_name(p->kind));
		} else {
			sb_printf(out, "%s\n    ", p->path);
			if (p->err) {
				if (p->kind)
					sb_printf(out, "%s: no info (%s)\n", info_fd_kind_name(p->kind), sys_errno_name(p->err));
				else if (p->err == -ENOTSUP)
					sb_puts(out, "pin: not a program, map or link, or /proc is not mounted to tell\n");
				else
					sb_printf(out, "not a pinned object (BPF_OBJ_GET: %s)\n", sys_errno_name(p->err));
				continue;
			}
			sb_printf(out, "%-5s", info_fd_kind_name(p->kind));
		}
		if (p->kind == INFO_FD_PROG)
			render_prog(out, &p->prog, json);
		else if (p->kind == INFO_FD_MAP)
			render_map(out, &p->map, json);
		else
			render_link(out, &p->link, NULL, json);
		sb_puts(out, json ? "}" : "\n");
	}
	if (json)
		sb_printf(out, "]%s}\n", st->pins_cut ? ",\"cut\":true" : "");
	else if (st->pins_cut)
		sb_puts(out, "(more pins than listed: the walk stops at 4096 pins or 16 directories deep)\n");
	else if (!st->npins)
		sb_puts(out, "(no pins)\n");
}

void status_render(const struct status *st, bool json, struct strbuf *out)
{
	if (st->pin_listing) {
		render_pins(st, json, out);
		return;
	}
	if (json) {
		sb_puts(out, "{\"progs\":[");
		for (uint32_t i = 0; i < st->nprogs; i++) {
			sb_puts(out, i ? ",{" : "{");
			render_prog(out, &st->progs[i], true);
			sb_putc(out, '}');
		}
		sb_puts(out, "],\"maps\":[");
		for (uint32_t i = 0; i < st->nmaps; i++) {
			sb_puts(out, i ? ",{" : "{");
			render_map(out, &st->maps[i], true);
			sb_putc(out, '}');
		}
		sb_puts(out, "],\"links\":[");
		for (uint32_t i = 0; i < st->nlinks; i++) {
			sb_puts(out, i ? ",{" : "{");
			render_link(out, &st->links[i], st, true);
			sb_putc(out, '}');
		}
		sb_puts(out, "],\"xdp\":");
		if (st->netlink_error[0]) {
			sb_puts(out, "null,\"xdp_error\":");
			sb_json_str(out, st->netlink_error);
		} else {
			bool first = true;
			sb_putc(out, '[');
			for (uint32_t i = 0; i < st->nxdp; i++)
				render_xdp(out, &st->xdp[i], st, true, &first);
			sb_putc(out, ']');
		}
		sb_puts(out, "}\n");
		return;
	}
	sb_printf(out, "programs (%u):\n", st->nprogs);
	for (uint32_t i = 0; i < st->nprogs; i++) {
		sb_puts(out, "  ");
		render_prog(out, &st->progs[i], false);
		sb_putc(out, '\n');
	}
	sb_printf(out, "maps (%u):\n", st->nmaps);
	for (uint32_t i = 0; i < st->nmaps; i++) {
		sb_puts(out, "  ");
		render_map(out, &st->maps[i], false);
		sb_putc(out, '\n');
	}
	sb_printf(out, "links (%u):\n", st->nlinks);
	for (uint32_t i = 0; i < st->nlinks; i++) {
		sb_puts(out, "  ");
		render_link(out, &st->links[i], st, false);
		sb_putc(out, '\n');
	}
	sb_puts(out, "XDP by interface (rtnetlink, this network namespace):\n");
	if (st->netlink_error[0]) {
		sb_printf(out, "  (not listed: %s)\n", st->netlink_error);
	} else {
		bool first = true;
		for (uint32_t i = 0; i < st->nxdp; i++)
			render_xdp(out, &st->xdp[i], st, false, &first);
		if (first)
			sb_puts(out, "  (none)\n");
	}
}
