/* loader/show/pinned.h — `rawload show PATH`: pinned maps displayed live without their object file,
 * rendered with the BTF the kernel holds for each map (map info -> btf_id -> BPF_BTF_GET_FD_BY_ID ->
 * the BTF's raw bytes, parsed by btf/), through the same display as the main command. PATH is one
 * pinned map or a directory of pins (maps found under it, recursively; programs and links are
 * skipped). Maps are only read, except ring buffers, whose records are consumed as they are shown
 * (a ring buffer has one reader). */
#ifndef RAWLOAD_PINNED_H
#define RAWLOAD_PINNED_H

#include <signal.h>

#include "common/diag.h"
#include "loader/narrate.h"
#include "loader/show/show.h"

/* Runs the display over the maps at path until *stop, opts->count or opts->duration. note receives
 * what the user must know even without -v (a map shown without its types, a map not shown);
 * opts->say narrates. Returns 0 or a negative errno with d set. */
int show_pinned(const char *path, const struct show_opts *opts, const struct narrator *note,
		volatile sig_atomic_t *stop, struct diag *d);

#endif
