/* loader/cli/cli.h — the command line's shared pieces: the commands main() dispatches to, the
 * argument parsing they share, opening the object file, reporting a load, and the stop signals.
 * loader/cli/ is the only part of rawload that prints; the usage text is main.c's. */
#ifndef RAWLOAD_CLI_H
#define RAWLOAD_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/load/load.h"
#include "loader/narrate.h"
#include "loader/obj/obj.h"
#include "loader/show/show.h"

/* Exit statuses: everything loaded (and attached), 0; an error or nothing usable, 1; bad arguments,
 * 2; a partial load (some members refused, the rest loaded and attached), 3. A command returns
 * CLI_USAGE when its arguments do not fit and it has nothing more precise to say: main() prints
 * the usage and exits EXIT_USAGE. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3, CLI_USAGE = -1 };

/* The commands (argv without the command's own name; cmd_run's without "rawload"). Each returns
 * its exit status, or CLI_USAGE. */
int cmd_run(int argc, char **argv);     /* run.c: rawload OBJECT [IFACE]: load, attach, show, detach */
int cmd_show(int argc, char **argv);    /* run.c: rawload show PATH: pinned maps, the same display */
int cmd_load(int argc, char **argv);    /* load.c: rawload load OBJECT */
int cmd_inspect(int argc, char **argv); /* load.c: rawload inspect OBJECT */
int cmd_detach(int argc, char **argv);  /* kernel.c: rawload detach IFACE */
int cmd_unpin(int argc, char **argv);   /* kernel.c: rawload unpin DIR */
int cmd_status(int argc, char **argv);  /* kernel.c: rawload status [DIR] */

/* -v: set by any command's parser; cli_say prints a narration line ("rawload: TEXT") on stderr. */
extern int cli_verbose;
extern const struct narrator cli_say;
#define CLI_SAY (cli_verbose ? &cli_say : NULL)

/* ---- args.c: the argument parsing the commands share ---- */

/* --type TYPE[:ATTACH] options: after --prog NAME for that program, else (`all`) for every program
 * whose section names no type. */
struct type_opts {
	const char *all;
	const char *prog[64], *type[64]; /* --prog names in order; type[k] NULL when none followed */
	int n;
};

/* Takes --prog NAME and --type T at argv[*i] into t: 1 when taken (*i moved past the value), 0
 * when argv[*i] is something else, -1 when its value is missing or there are too many. */
int take_type_opt(int argc, char **argv, int *i, struct type_opts *t);

/* The one operand of inspect/detach/unpin, taking -v (and --json where json is given) on the way.
 * NULL when the arguments do not fit (the command returns CLI_USAGE). */
const char *one_operand(int argc, char **argv, bool *json);

/* Seconds with up to three decimals ("2", "0.5", "1.25") -> milliseconds; -1 when not a positive
 * number of at most 10^6 seconds. */
int parse_ms(const char *s);

/* The main command's arguments; `rawload show` takes the display's part of them. */
struct run_args {
	const char *path, *ifname, *pin_dir, *cgroup, *btf_path;
	struct show_opts show;
	uint32_t xdp_mode;
	bool force_netlink, replace, prog_attach, plain, egress;
	uint32_t freq;
	const char *map, *nf;
	struct type_opts types; /* --prog NAME (attach only these) and --type */
	const char *bad; /* the argument parse_run could not take */
};

/* 0, or -1 with a->bad naming the argument it could not take ("(no OBJECT)" without one). */
int parse_run(int argc, char **argv, struct run_args *a);

/* ---- object.c: the object file, mapped and parsed ---- */

struct file_map {
	const uint8_t *data;
	size_t size;
};

/* Map path, parse it into o, apply the --type options t (may be NULL), narrate the model with -v.
 * 0, or an error already printed (nothing left open). */
int open_object(const char *path, struct file_map *fm, struct obj *o, const struct type_opts *t);
void unmap_file(struct file_map *fm);

/* ---- report.c: what a load said ---- */

/* load_object(), with its error and the verifier's log printed when it fails (l closed then). */
int load_or_report(const struct obj *o, const struct load_opts *opts, struct loaded *l);

/* What a load left out, on stderr (each refused member too when each); returns the exit status the
 * load alone deserves: EXIT_OK, EXIT_PARTIAL or EXIT_FAIL (nothing usable). */
int report_refusals(const struct obj *o, const struct loaded *l, bool each);

/* ---- signals.c: the stop signals ---- */

/* The signal that stopped rawload (0: none yet); STOP_OUTPUT when stdout went away. */
enum { STOP_OUTPUT = -1 };
extern volatile sig_atomic_t cli_stop;

void take_signals(sigset_t *old);   /* block the stop signals and catch them; the mask before in *old */
int pending_stop(void);             /* a stop signal that arrived (pending while blocked), or 0 */
bool interrupted(void);             /* pending_stop() != 0: the load and attach passes ask it */
const char *signal_name(int sig, char *buf, size_t n); /* SIGHUP -> "SIGHUP"; "SIGRTMIN+N" */
/* After a clean stop by signal sig: 0 for INT, TERM, HUP and PIPE; else 128 + sig, said with done. */
int stopped_status(int sig, const char *done);

#endif
