/* loader/show/show.h — the display: every interval, each map the object declares rendered with BTF
 * and each attached iterator's text output; ring buffer and perf buffer records as they arrive;
 * trace_pipe lines with --trace. Runs until the stop flag is set (a signal), a number of snapshots
 * or a duration. Output goes to a sink the CLI provides, as text lines or one JSON object per line. */
#ifndef RAWLOAD_SHOW_H
#define RAWLOAD_SHOW_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/diag.h"
#include "common/strbuf.h"
#include "loader/attach/attach.h"
#include "loader/load/load.h"
#include "loader/narrate.h"

struct show_opts {
	const struct narrator *say;
	int interval_ms;           /* between snapshots (> 0) */
	int count;                 /* stop after this many snapshots; 0: no limit */
	int duration_ms;           /* stop after this long; 0: no limit */
	bool json;
	bool all_maps;             /* internal maps (.data, .rodata, .bss, ...) too */
	bool trace;                /* follow <tracefs>/trace_pipe (bpf_printk) */
	uint32_t max_entries;      /* entries shown per map per snapshot; 0: the default
	                            * (SHOW_MAX_ENTRIES), UINT32_MAX: all of them */
	bool sparklines;           /* text: a sparkline after each change (the CLI decides: a terminal) */
	bool per_cpu;              /* per-CPU integer maps: each CPU's value beside the sum */
	const struct narrator *note; /* what is said once whatever -v says (a cap reached); may be NULL */
	const sigset_t *wait_mask; /* signal mask while waiting and working (signals the caller blocked
	                            * arrive then) */
	const volatile sig_atomic_t *stop; /* the stop flag: rendering budgets and loops over entries
	                            * look at it; show_run sets it to its own argument */
	const struct attach_set *attached; /* iterator links among them are read at every snapshot;
	                                    * may be NULL */
	void (*emit)(void *ctx, const char *text, size_t len); /* one or more complete lines */
	void *emit_ctx;
};

/* What rendering one map needs, whoever knows it: the main command builds views from the object
 * model and its fds (show_map_view_obj), `rawload show PATH` from the kernel's map info and the
 * BTF the kernel holds for the map (show_pinned.h). One renderer serves both. */
struct show_map_view {
	const char *name;              /* printed before each entry ("pkt_count[0] = ..."), borrowed */
	int fd;                        /* borrowed; -1: the map was not created (snapshots say so) */
	uint32_t type, key_size, value_size; /* as the kernel has them; per-CPU follows from type */
	uint32_t max_entries;          /* 0: not known (batches are then sized by bytes alone) */
	const struct btf_spec *btf;    /* borrowed; NULL: keys and values shown without types */
	uint32_t btf_key, btf_value;   /* type ids in btf; 0: none */
};
/* The view of model map i with its fd in l (borrowed pointers into o). */
void show_map_view_obj(const struct obj *o, const struct loaded *l, uint32_t i, struct show_map_view *v);
/* Ring buffers and perf event arrays: followed record by record, not snapshotted. */
bool show_map_is_stream(uint32_t type);

/* Entries shown per map per snapshot unless show_opts.max_entries says otherwise. */
enum { SHOW_MAX_ENTRIES = 256 };

/* One snapshot of a map, at most opts->max_entries entries: text lines ("ips[0] = {...}") or, for
 * opts->json, one array of {"key":..,"value":..}. Zero array slots are skipped. The map is read in
 * batches of a bounded size, and when out has a spill target the text goes there batch by batch: a
 * map of a million entries is never held whole. Each entry is rendered within a budget
 * (btf/render.h: 64 KiB, 2^20 steps); a set *opts->stop ends the snapshot early. From the second
 * snapshot on, numeric values carry their change since the previous one (loader/show/rates.h,
 * ratefmt.h): text "  (+56, 56.0/s)", JSON "delta" and "rate"; a key gone from a hash is a text line
 * "NAME[KEY] (gone)", in JSON kept for show_map_take_gone. Returns the number of entries rendered or
 * a negative errno. state remembers buffers and values between calls; free with show_map_free. */
struct show_map_state;
int show_map_snapshot(const struct show_map_view *map, const struct show_opts *opts, struct show_map_state **state,
		      struct strbuf *out);
/* JSON: the keys the last snapshot found gone, as an array ("[KEY,...]"), appended to out and
 * forgotten; false (nothing appended) when none. */
bool show_map_take_gone(struct show_map_state *state, struct strbuf *out);
void show_map_free(struct show_map_state *state);
/* Whether model map i is shown in snapshots (streams and inner templates are not). */
bool show_map_listed(const struct obj *o, uint32_t i, bool all_maps);

/* An iterator link whose text is read at every snapshot. */
struct show_iter {
	const char *name;              /* the program's name, borrowed */
	int link_fd;                   /* borrowed */
};

/* The display over any set of maps: snapshots of every view that is not a stream, records of
 * every stream view with an fd, iterators' text at each snapshot. opts->all_maps and
 * opts->attached are not read (show_run turns them into views and iterators). Returns 0 or a
 * negative errno with d set. */
int show_views(const struct show_map_view *views, uint32_t nviews, const struct show_iter *iters,
	       uint32_t niters, const struct show_opts *opts, volatile sig_atomic_t *stop, struct diag *d);

/* Run the display of a loaded object until *stop, count or duration: its listed maps, its streams
 * and the iterators among opts->attached. Returns 0 or a negative errno with d set. */
int show_run(const struct obj *o, const struct loaded *l, const struct show_opts *opts,
	     volatile sig_atomic_t *stop, struct diag *d);

#endif
