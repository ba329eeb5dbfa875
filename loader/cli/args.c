/* loader/cli/args.c — the argument parsing the commands share: -v, --prog/--type pairs, the one
 * operand of the small commands, and the main command's options (which `rawload show` reuses).
 * Parsing only: what the options mean is for the commands and the passes. */
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/cli.h"

int cli_verbose;

static void say_line(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "rawload: %s\n", text);
}
const struct narrator cli_say = {say_line, NULL};

int take_type_opt(int argc, char **argv, int *i, struct type_opts *t)
{
	bool prog = !strcmp(argv[*i], "--prog"), type = !strcmp(argv[*i], "--type");
	if (!prog && !type)
		return 0;
	if (*i + 1 >= argc || (prog && t->n == 64))
		return -1;
	const char *v = argv[++*i];
	if (prog)
		t->prog[t->n++] = v;
	else if (t->n)
		t->type[t->n - 1] = v;
	else
		t->all = v;
	return 1;
}

const char *one_operand(int argc, char **argv, bool *json)
{
	const char *operand = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			cli_verbose = 1;
		else if (json && !strcmp(argv[i], "--json"))
			*json = true;
		else if (argv[i][0] == '-' || operand)
			return NULL;
		else
			operand = argv[i];
	}
	return operand;
}

/* (No strtod: it would pull musl's float parser into the static binary for this one use.) */
int parse_ms(const char *s)
{
	long ms = 0;
	int digits = 0, decimals = -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals >= 3 || ++digits > 10)
			return -1;
		ms = ms * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int k = decimals < 0 ? 0 : decimals; k < 3; k++)
		ms *= 10;
	return digits && ms > 0 && ms <= 1000000000L ? (int)ms : -1;
}

/* A decimal count in [min, max] (min >= 0), or -1. */
static long parse_count(const char *v, long min, long max)
{
	char *end;
	long n = strtol(v, &end, 10);
	return *end || n < min || n > max ? -1 : n;
}

/* The main command's options that take no value: true when o is one of them (taken). */
static bool take_run_flag(const char *o, struct run_args *a)
{
	if (!strcmp(o, "-v") || !strcmp(o, "--verbose"))
		cli_verbose = 1;
	else if (!strcmp(o, "--json"))
		a->show.json = true;
	else if (!strcmp(o, "--all-maps"))
		a->show.all_maps = true;
	else if (!strcmp(o, "--trace"))
		a->show.trace = true;
	else if (!strcmp(o, "--per-cpu"))
		a->show.per_cpu = true;
	else if (!strcmp(o, "--plain"))
		a->plain = true;
	else if (!strcmp(o, "--netlink"))
		a->force_netlink = true;
	else if (!strcmp(o, "--replace"))
		a->replace = true;
	else if (!strcmp(o, "--prog-attach"))
		a->prog_attach = true;
	else if (!strcmp(o, "--egress"))
		a->egress = true;
	else
		return false;
	return true;
}

/* The main command's options that take a value v: 1 taken, 0 when o is none of them, -1 when v
 * does not fit o. */
static int take_run_value(const char *o, const char *v, struct run_args *a)
{
	long n;
	if (!strcmp(o, "-i") || !strcmp(o, "--interval"))
		return (a->show.interval_ms = parse_ms(v)) < 0 ? -1 : 1;
	if (!strcmp(o, "-d") || !strcmp(o, "--duration"))
		return (a->show.duration_ms = parse_ms(v)) < 0 ? -1 : 1;
	if (!strcmp(o, "-n") || !strcmp(o, "--count")) {
		if ((n = parse_count(v, 1, 1000000000)) < 0)
			return -1;
		a->show.count = (int)n;
	} else if (!strcmp(o, "--max-entries")) {
		if ((n = parse_count(v, 0, 1000000000)) < 0)
			return -1;
		a->show.max_entries = n ? (uint32_t)n : UINT32_MAX;
	} else if (!strcmp(o, "--freq")) {
		if ((n = parse_count(v, 1, 1000000)) < 0)
			return -1;
		a->freq = (uint32_t)n;
	} else if (!strcmp(o, "--mode")) {
		a->xdp_mode = !strcmp(v, "skb") ? XDP_FLAGS_SKB_MODE : !strcmp(v, "native") ? XDP_FLAGS_DRV_MODE
			      : !strcmp(v, "hw") ? XDP_FLAGS_HW_MODE : 0;
		if (!a->xdp_mode)
			return -1;
	} else if (!strcmp(o, "--pin")) {
		a->pin_dir = v;
	} else if (!strcmp(o, "--cgroup")) {
		a->cgroup = v;
	} else if (!strcmp(o, "--btf")) {
		a->btf_path = v;
	} else if (!strcmp(o, "--map")) {
		a->map = v;
	} else if (!strcmp(o, "--nf")) {
		a->nf = v;
	} else {
		return 0;
	}
	return 1;
}

int parse_run(int argc, char **argv, struct run_args *a)
{
	a->show.interval_ms = 1000;
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		int r = take_type_opt(argc, argv, &i, &a->types);
		if (r < 0)
			return a->bad = o, -1;
		if (r || take_run_flag(o, a))
			continue;
		if (o[0] != '-') { /* the operands: OBJECT, then IFACE */
			if (!a->path)
				a->path = o;
			else if (!a->ifname)
				a->ifname = o;
			else
				return a->bad = o, -1;
			continue;
		}
		if (i + 1 >= argc || take_run_value(o, argv[i + 1], a) <= 0)
			return a->bad = o, -1;
		i++;
	}
	if (!a->path)
		a->bad = "(no OBJECT)";
	return a->path ? 0 : -1;
}
