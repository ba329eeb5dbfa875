/* loader/cli/load.c — the commands that take an object without attaching it: `rawload load`
 * (load, list every member as loaded or refused, close or pin) and `rawload inspect` (print the
 * model; no kernel, any user). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/sys.h"
#include "loader/cli/cli.h"
#include "loader/show/inspect.h"

/* One line per program and per map: its id and sizes, or why it was refused or not loaded. */
static void list_members(const struct obj *o, const struct loaded *l, const struct load_opts *opts)
{
	for (uint32_t i = 0; i < o->nprogs; i++) {
		const char *type = o->progs[i].def ? secdef_prog_type_name(o->progs[i].def->prog_type) : "unknown";
		if (l->prog_refused[i].why) {
			printf("prog %-20s %-14s refused: %s\n", o->progs[i].name, type, l->prog_refused[i].why);
			continue;
		}
		if (l->prog_fds[i] < 0) { /* skipped, or a struct_ops program no map uses (libbpf leaves those too) */
			if (o->progs[i].def && o->progs[i].def->prog_type == BPF_PROG_TYPE_STRUCT_OPS &&
			    !(opts->skip_prog && opts->skip_prog[i]))
				printf("prog %-20s %-14s not loaded: no struct_ops map uses it\n", o->progs[i].name, type);
			continue;
		}
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		memset(&info, 0, sizeof(info));
		sys_obj_info(l->prog_fds[i], &info, &len);
		printf("prog %-20s %-14s id %u, %u bytes translated, %u jited\n", o->progs[i].name, type, info.id,
		       info.xlated_prog_len, info.jited_prog_len);
	}
	char tbuf[24];
	for (uint32_t i = 0; i < o->nmaps; i++) {
		const char *type = obj_map_type_name(o->maps[i].type);
		if (!strcmp(type, "?"))
			snprintf(tbuf, sizeof(tbuf), "type %u", o->maps[i].type), type = tbuf;
		if (l->map_refused[i].why) {
			printf("map  %-20s %-14s refused: %s\n", o->maps[i].name, type, l->map_refused[i].why);
			continue;
		}
		if (l->map_fds[i] < 0)
			continue;
		struct bpf_map_info info;
		uint32_t len = sizeof(info);
		memset(&info, 0, sizeof(info));
		sys_obj_info(l->map_fds[i], &info, &len);
		printf("map  %-20s %-14s id %u%s\n", o->maps[i].name, type, info.id,
		       l->map_reused[i] ? " (reused from its pin)" : "");
	}
}

int cmd_load(int argc, char **argv)
{
	const char *path = NULL;
	struct load_opts opts = {0};
	struct type_opts types = {0};
	for (int i = 0; i < argc; i++) {
		int r = take_type_opt(argc, argv, &i, &types);
		if (r < 0)
			return CLI_USAGE;
		if (r)
			continue;
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			cli_verbose = 1;
		else if (!strcmp(argv[i], "--pin") && i + 1 < argc)
			opts.pin_dir = argv[++i];
		else if (!strcmp(argv[i], "--btf") && i + 1 < argc)
			opts.btf_path = argv[++i];
		else if (argv[i][0] == '-' || path)
			return CLI_USAGE;
		else
			path = argv[i];
	}
	if (!path)
		return CLI_USAGE;
	opts.say = CLI_SAY;
	/* A signal stops the load between kernel objects (everything closed, no pins of its own left);
	 * once pinning began it waits until the pins are complete. */
	sigset_t old;
	take_signals(&old);
	opts.interrupted = interrupted;
	struct file_map fm = {0};
	struct obj o;
	struct loaded l;
	if (open_object(path, &fm, &o, &types))
		return EXIT_FAIL;
	int err = load_or_report(&o, &opts, &l);
	if (err) {
		obj_close(&o);
		unmap_file(&fm);
		return err == -EINTR ? stopped_status(pending_stop(), "stopped while loading; nothing stays loaded") : EXIT_FAIL;
	}
	list_members(&o, &l, &opts);
	if (opts.pin_dir)
		printf("pinned under %s\n", opts.pin_dir);
	int rc = fflush(stdout) == 0 ? report_refusals(&o, &l, false) : EXIT_FAIL;
	load_close(&l);
	obj_close(&o);
	unmap_file(&fm);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	bool json = false;
	struct type_opts types = {0};
	int nrest = 0;
	/* --prog/--type pairs out, the rest to one_operand: moved to the front of argv itself (no
	 * array sized by the command line on the stack; what is written was read already). */
	for (int i = 0; i < argc; i++) {
		int r = take_type_opt(argc, argv, &i, &types);
		if (r < 0)
			return CLI_USAGE;
		if (!r)
			argv[nrest++] = argv[i];
	}
	const char *path = one_operand(nrest, argv, &json);
	if (!path)
		return CLI_USAGE;
	struct file_map fm = {0};
	struct obj o;
	if (open_object(path, &fm, &o, &types))
		return EXIT_FAIL;
	inspect_print(&o, path, stdout, json);
	obj_close(&o);
	unmap_file(&fm);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
