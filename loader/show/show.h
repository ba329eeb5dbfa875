/* loader/show/show.h — the display: every interval, each map the object declares rendered with BTF and
 * each attached iterator's text output; ring buffer and perf buffer records as they arrive;
 * trace_pipe lines with --trace. Runs until
 * the stop flag is set (a signal), a number of snapshots or a duration. Output goes to a sink the
 * CLI provides, as text lines or one JSON object per line. */
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
	const sigset_t *wait_mask; /* signal mask while waiting (signals the caller blocked arrive then) */
	const struct attach_set *attached; /* iterator links among them are read at every snapshot;
	                                    * may be NULL */
	void (*emit)(void *ctx, const char *text, size_t len); /* one or more complete lines */
	void *emit_ctx;
};

/* One snapshot of map i: text lines ("ips[0] = {...}") or, for JSON, one array of
 * {"key":..,"value":..}. Zero array slots are skipped. At most 256 entries, each rendered within a
 * budget (btf/render.h: 64 KiB, 2^20 steps); a non-zero *stop (may be NULL) ends it early.
 * Returns the number of entries rendered or a negative errno. state caches buffers between calls;
 * free with show_map_free. */
struct show_map_state;
int show_map_snapshot(const struct obj *o, const struct loaded *l, uint32_t i, bool json,
		      struct show_map_state **state, const volatile sig_atomic_t *stop, struct strbuf *out);
void show_map_free(struct show_map_state *state);
/* Whether map i is shown in snapshots (streams and inner templates are not). */
bool show_map_listed(const struct obj *o, uint32_t i, bool all_maps);

/* Run the display until *stop, count or duration. Returns 0 or a negative errno with d set. */
int show_run(const struct obj *o, const struct loaded *l, const struct show_opts *opts,
	     volatile sig_atomic_t *stop, struct diag *d);

#endif
